package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.PlatformException;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret store on the real platform: a client using a secret without pause while it rotates
 * twice sees no failure (the previous value works during the window), and every check reaches
 * {@code raw.audit_log} by a clean shutdown; the platform refuses to start without its master key
 * or with another; a server's log holds none of the values it handled.
 */
class SecretsPlatformIT {
  private static final String STREAMS = "  - name: app_events\n";

  @TempDir Path dir;

  private static TributaryConfig config(Path dataDir) {
    return TributaryConfig.fromYaml(TestConfigs.yaml(dataDir, 0, STREAMS), "test");
  }

  private static String json(Object value) {
    try {
      return Http.JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client that reads the secret now and then and presents it on every request. */
  private static final class Client implements Runnable {
    final AtomicInteger checks = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicLong version = new AtomicLong();
    final Set<Long> versionsUsed = ConcurrentHashMap.newKeySet();
    final List<String> failureDetails = new ArrayList<>();
    private final Http http;

    /** Set once both rotations are done and used: the client stops then. */
    final AtomicBoolean rotated = new AtomicBoolean();

    private final AtomicReference<Throwable> crashed = new AtomicReference<>();

    Client(Http http) {
      this.http = http;
    }

    @Override
    public void run() {
      try {
        String value = null;
        for (int i = 0; !rotated.get(); i++) {
          if (i % 100 == 0) { // a client refreshes its copy now and then, not at each rotation
            Http.Response read = http.get("/v1/secrets/db_password/value");
            value = read.body().path("value").asText();
            version.set(read.body().path("version").asLong());
          }
          versionsUsed.add(version.get());
          Http.Response check =
              http.post(
                  "/v1/secrets/db_password/verify",
                  "application/json",
                  json(Map.of("value", value)));
          checks.incrementAndGet();
          if (check.status() != 200 || !check.body().path("matches").asBoolean()) {
            failures.incrementAndGet();
            synchronized (failureDetails) {
              failureDetails.add("version " + version.get() + ": " + check.raw().body());
            }
          }
        }
      } catch (Throwable e) {
        crashed.set(e);
      }
    }
  }

  @Test
  void aUserLoggingInWithTheCurrentSecretEvery100msSeesNoFailureWhileItsPasswordRotatesTwice()
      throws Exception {
    try (Platform platform = Platform.start(config(dir.resolve("users")), Clock.systemUTC())) {
      Http admin = Http.admin(platform);
      Http.Response secret =
          admin.put(
              "/v1/secrets/svc",
              "{\"generate\": {\"length\": 24},"
                  + " \"rotation\": {\"every\": \"30d\", \"rotator\": \"user-password\"}}");
      assertThat(secret.status()).as(secret.raw().body()).isEqualTo(201);
      String password = admin.get("/v1/secrets/svc/value").body().path("value").asText();
      Http.Response user =
          admin.post(
              "/v1/users", "application/json", json(Map.of("name", "svc", "password", password)));
      assertThat(user.status()).as(user.raw().body()).isEqualTo(201);

      AtomicInteger logins = new AtomicInteger();
      List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread client =
          new Thread(
              () -> {
                while (!stop.get()) {
                  String current = admin.get("/v1/secrets/svc/value").body().path("value").asText();
                  String header =
                      "Basic "
                          + Base64.getEncoder()
                              .encodeToString(
                                  ("svc:" + current)
                                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                  Http.Response login =
                      new Http(platform.httpUri(), () -> Optional.of(header)).get("/v1/crawlers");
                  logins.incrementAndGet();
                  if (login.status() != 200) {
                    failures.add(login.status() + " " + login.raw().body());
                  }
                  java.util.concurrent.locks.LockSupport.parkNanos(
                      Duration.ofMillis(100).toNanos());
                }
              },
              "user-client");
      client.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> logins.get() >= 5);
      for (int rotation = 1; rotation <= 2; rotation++) {
        Http.Response rotated = admin.post("/v1/secrets/svc/rotate", "application/json", "");
        assertThat(rotated.status()).as(rotated.raw().body()).isEqualTo(200);
        int after = logins.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> logins.get() >= after + 10);
      }
      stop.set(true);
      client.join(30_000);

      assertThat(failures).isEmpty();
      String rotatedPassword = admin.get("/v1/secrets/svc/value").body().path("value").asText();
      assertThat(rotatedPassword).isNotEqualTo(password);
      assertThat(admin.get("/v1/secrets/svc").body().path("last-rotation").toString())
          .doesNotContain(rotatedPassword);
      // the first password is two rotations old: refused
      String old =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      ("svc:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(new Http(platform.httpUri(), () -> Optional.of(old)).get("/v1/crawlers").status())
          .isEqualTo(401);
    }
  }

  private static int httpLogin(Platform platform, String user, String password) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new Http(platform.httpUri(), () -> Optional.of(header)).get("/v1/crawlers").status();
  }

  /** Whether {@code user} logs in with {@code password} over PostgreSQL (pgJDBC, SCRAM). */
  private static boolean pgLogin(Platform platform, String user, String password) {
    try (java.sql.Connection session =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + platform.pgwirePort() + "/tributary",
                user,
                password);
        java.sql.Statement statement = session.createStatement()) {
      statement.executeQuery("SELECT 1").close();
      return true;
    } catch (java.sql.SQLException e) {
      assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("28P01");
      return false;
    }
  }

  @Test
  void aRotatedUsersOldAndNewPasswordsBothLogInOverHttpAndPgwireUntilTheNextRotationAcrossARestart()
      throws Exception {
    Path data = dir.resolve("window");
    String first;
    String second;
    try (Platform platform = Platform.start(config(data), Clock.systemUTC())) {
      Http admin = Http.admin(platform);
      assertThat(
              admin
                  .put(
                      "/v1/secrets/svc",
                      "{\"generate\": {\"length\": 24},"
                          + " \"rotation\": {\"every\": \"30d\", \"rotator\": \"user-password\"}}")
                  .status())
          .isEqualTo(201);
      first = admin.get("/v1/secrets/svc/value").body().path("value").asText();
      assertThat(
              admin
                  .post(
                      "/v1/users",
                      "application/json",
                      json(Map.of("name", "svc", "password", first)))
                  .status())
          .isEqualTo(201);
      assertThat(pgLogin(platform, "svc", first)).isTrue();
      assertThat(admin.post("/v1/secrets/svc/rotate", "application/json", "").status())
          .isEqualTo(200);
      second = admin.get("/v1/secrets/svc/value").body().path("value").asText();
      assertThat(second).isNotEqualTo(first);
      assertThat(pgLogin(platform, "svc", first)).as("previous password on pgwire").isTrue();
      assertThat(pgLogin(platform, "svc", second)).as("current password on pgwire").isTrue();
      assertThat(httpLogin(platform, "svc", first)).isEqualTo(200);
      assertThat(httpLogin(platform, "svc", second)).isEqualTo(200);
    }

    // the window survives a restart: the replaced password is stored
    try (Platform platform = Platform.start(config(data), Clock.systemUTC())) {
      Http admin = Http.admin(platform);
      assertThat(httpLogin(platform, "svc", first)).isEqualTo(200);
      assertThat(pgLogin(platform, "svc", first)).isTrue();
      assertThat(pgLogin(platform, "svc", second)).isTrue();

      assertThat(admin.post("/v1/secrets/svc/rotate", "application/json", "").status())
          .isEqualTo(200);
      String third = admin.get("/v1/secrets/svc/value").body().path("value").asText();
      assertThat(pgLogin(platform, "svc", third)).isTrue();
      assertThat(pgLogin(platform, "svc", second)).isTrue();
      assertThat(httpLogin(platform, "svc", second)).isEqualTo(200);
      assertThat(pgLogin(platform, "svc", first)).as("two rotations old").isFalse();
      assertThat(httpLogin(platform, "svc", first)).isEqualTo(401);
    }
  }

  @Test
  void aClientSeesNoFailureWhileTheSecretRotatesTwiceAndEveryCheckIsAudited() throws Exception {
    Path data = dir.resolve("load");
    Client client;
    try (Platform platform = Platform.start(config(data), Clock.systemUTC())) {
      Http http = Http.admin(platform);
      Http.Response created =
          http.put("/v1/secrets/db_password", "{\"generate\": {\"length\": 24}}");
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.raw().body()).doesNotContain("\"value\"");

      client = new Client(http);
      Thread thread = new Thread(client, "secret-client");
      thread.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.checks.get() >= 300);
      Http.Response first = http.post("/v1/secrets/db_password/rotate", "application/json", "");
      assertThat(first.status()).as(first.raw().body()).isEqualTo(200);
      int afterFirst = client.checks.get();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.version.get() == 2 && client.checks.get() >= afterFirst + 300);
      Http.Response second = http.post("/v1/secrets/db_password/rotate", "application/json", "");
      assertThat(second.status()).as(second.raw().body()).isEqualTo(200);
      int afterSecond = client.checks.get();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.version.get() == 3 && client.checks.get() >= afterSecond + 300);
      client.rotated.set(true);
      thread.join(Duration.ofSeconds(30).toMillis());

      assertThat(thread.isAlive()).isFalse();
      assertThat(client.crashed.get()).isNull();
      assertThat(client.failures.get()).as(String.valueOf(client.failureDetails)).isZero();
      assertThat(client.versionsUsed).containsExactlyInAnyOrder(1L, 2L, 3L);
      JsonNode listed = http.get("/v1/secrets").body().path("secrets").path(0);
      assertThat(listed.path("versions").findValuesAsText("stage"))
          .containsExactly("current", "previous");
      assertThat(listed.path("versions").path(0).path("version").asLong()).isEqualTo(3);
      assertThat(listed.path("last-rotation").path("outcome").asText()).isEqualTo("success");
      assertThat(http.get("/v1/secrets").raw().body()).doesNotContain("\"value\"");
    }

    // every check was appended to raw.audit_log by the clean shutdown
    try (Platform platform = Platform.start(config(data), Clock.systemUTC())) {
      Http http = Http.admin(platform);
      assertThat(
              http.count(
                  "SELECT count(*) FROM raw.audit_log WHERE action = 'secret.check'"
                      + " AND outcome = 'success' AND resource = 'secret:db_password'"))
          .isEqualTo(client.checks.get());
      assertThat(
              http.count(
                  "SELECT count(*) FROM raw.audit_log WHERE action = 'secret.rotate'"
                      + " AND outcome = 'success' AND client_address = '127.0.0.1'"))
          .isEqualTo(2);
      assertThat(http.count("SELECT count(*) FROM raw.audit_log WHERE action = 'secret.read'"))
          .isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void theStartIsRefusedWithoutTheMasterKeyOrWithAnotherAndNoSecretIsRead() throws Exception {
    Path data = dir.resolve("keys");
    try (Platform platform = Platform.start(config(data), Clock.systemUTC())) {
      Http http = Http.admin(platform);
      assertThat(http.put("/v1/secrets/api_key", "{\"value\": \"k-0123456789\"}").status())
          .isEqualTo(201);
    }
    Path keyFile = data.resolve("master.key");
    String key = Files.readString(keyFile);

    Files.delete(keyFile);
    assertThatThrownBy(() -> Platform.start(config(data), Clock.systemUTC()))
        .isInstanceOf(PlatformException.class)
        .satisfies(
            e ->
                assertThat(((PlatformException) e).errorCode())
                    .isEqualTo(ErrorCode.MASTER_KEY_INVALID))
        .hasMessageContaining("no master key was found")
        .hasMessageContaining("TRIBUTARY_MASTER_KEY")
        .hasMessageContaining(keyFile.toString());
    assertThat(keyFile).as("no new key replaces the lost one").doesNotExist();

    Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    assertThatThrownBy(() -> Platform.start(config(data), Clock.systemUTC()))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("The master key from key file " + keyFile)
        .hasMessageContaining("not the key the secrets were sealed with");

    Files.writeString(keyFile, key);
    try (Platform platform = Platform.start(config(data), Clock.systemUTC())) {
      Http http = Http.admin(platform);
      assertThat(http.get("/v1/secrets/api_key/value").body().path("value").asText())
          .isEqualTo("k-0123456789");
    }
  }

  @Test
  void secretsAndVariablesLiveInAPostgresCatalogToo() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get())) {
      Path data = dir.resolve("pg");
      TributaryConfig config =
          TributaryConfig.fromYaml(
              TestConfigs.yaml(data, 0, STREAMS)
                  + "\ncatalog: { uri: \""
                  + postgres.jdbcUri()
                  + "\", user: "
                  + PostgresServer.USER
                  + " }\n",
              "test");
      try (Platform platform = Platform.start(config, Clock.systemUTC())) {
        Http http = Http.admin(platform);
        assertThat(http.put("/v1/secrets/api_key", "{\"value\": \"k-0123456789\"}").status())
            .isEqualTo(201);
        assertThat(
                http.put(
                        "/v1/secrets/api_key",
                        "{\"value\": \"k-9876543210\", \"rotation\": {\"every\": \"1d\"}}")
                    .status())
            .isEqualTo(200);
        assertThat(http.post("/v1/secrets/api_key/rotate", "application/json", "").status())
            .isEqualTo(200);
        assertThat(http.put("/v1/variables/limits", "{\"max\": 3}").status()).isEqualTo(201);
        assertThat(http.put("/v1/variables/limits", "{\"max\": 4}").status()).isEqualTo(200);
      }
      assertThat(data.resolve("catalog.db")).doesNotExist();
      try (Platform platform = Platform.start(config, Clock.systemUTC())) {
        Http http = Http.admin(platform);
        JsonNode secret = http.get("/v1/secrets/api_key").body();
        assertThat(secret.path("versions").findValuesAsText("stage"))
            .containsExactly("current", "previous");
        assertThat(secret.path("rotation").path("every").asText()).isEqualTo("PT24H");
        assertThat(secret.path("next-rotation").isTextual()).isTrue();
        Http.Response check =
            http.post(
                "/v1/secrets/api_key/verify",
                "application/json",
                json(Map.of("value", "k-9876543210")));
        assertThat(check.body().path("matches").asBoolean()).isTrue();
        assertThat(http.get("/v1/variables/limits").body().path("value").path("max").asInt())
            .isEqualTo(4);
        assertThat(http.count("SELECT count(*) FROM raw.audit_log WHERE action = 'secret.write'"))
            .isEqualTo(2);
      }
    }
  }

  @Test
  void theServerLogHoldsNoSecretValue() throws Exception {
    int port = TestConfigs.freePort();
    Path config = dir.resolve("tributary.yaml");
    Files.writeString(config, TestConfigs.yaml(dir.resolve("data"), port, STREAMS));
    Path logFile = dir.resolve("server.log");
    Http http = Http.admin(URI.create("http://127.0.0.1:" + port), dir.resolve("data"));
    ChildServer child = new ChildServer(config, logFile, http);
    List<String> values =
        new ArrayList<>(List.of("Sup3r-S3cret-Value-4711", "k3y-in-a-bad-request"));
    Process server = child.start();
    try {
      child.awaitHealthy(server);
      http.put("/v1/secrets/set_value", json(Map.of("value", values.get(0))));
      assertThat(http.put("/v1/secrets/generated", "{\"generate\": {}}").status()).isEqualTo(201);
      values.add(http.get("/v1/secrets/generated/value").body().path("value").asText());
      http.post("/v1/secrets/generated/rotate", "application/json", "");
      values.add(http.get("/v1/secrets/generated/value").body().path("value").asText());
      http.post(
          "/v1/secrets/generated/verify", "application/json", json(Map.of("value", values.get(2))));
      http.post("/v1/secrets/generated/verify", "application/json", json(Map.of("value", "nope")));
      Http.Response refused =
          http.put("/v1/secrets/bad", json(Map.of("value", values.get(1), "colour", "red")));
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.raw().body()).contains("colour").doesNotContain(values.get(1));
      http.put(
          "/v1/secrets/generated",
          json(Map.of("value", values.get(1), "rotation", Map.of("every", "0s"))));
      Http.Response unknownRotator =
          http.put(
              "/v1/secrets/generated",
              json(
                  Map.of(
                      "value",
                      values.get(1),
                      "rotation",
                      Map.of("every", "1d", "rotator", "vault"))));
      assertThat(unknownRotator.status()).isEqualTo(400);
      assertThat(unknownRotator.raw().body())
          .contains("Unknown rotator 'vault'")
          .doesNotContain(values.get(1));
      assertThat(
              http.get("/v1/secrets/generated")
                  .body()
                  .path("versions")
                  .path(0)
                  .path("version")
                  .asInt())
          .as("a refused PUT changes nothing")
          .isEqualTo(2);
      assertThat(http.put("/v1/variables/region", "\"eu-west-1\"").status()).isEqualTo(201);
      assertThat(http.get("/v1/variables").body().path("variables").path("region").asText())
          .isEqualTo("eu-west-1");
      assertThat(values.get(2)).hasSize(32).isNotEqualTo(values.get(3));
    } finally {
      server.destroy();
      server.waitFor();
    }
    String log = Files.readString(logFile);
    assertThat(log).contains("Tributary is running").contains("Rotated secret 'generated'");
    for (String value : values) {
      assertThat(log).as("the log holds a secret value").doesNotContain(value);
    }
  }
}
