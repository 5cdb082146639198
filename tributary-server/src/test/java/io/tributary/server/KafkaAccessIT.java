package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with access on: clients on {@code kafka.port} authenticate with SCRAM-SHA-256
 * as platform users and may write only to the topics of streams they may ingest into; the
 * platform's own delivery keeps working on its internal listener.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAccessIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private Platform platform;
  private Http admin;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: orders
                    partitions: 1
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC());
    admin = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void theClientListenerAsksForScram() {
    assertThat(platform.streamLog().clientMechanism()).contains("SCRAM-SHA-256");
    assertThat(platform.streamLog().clientBootstrap())
        .isNotEqualTo(platform.streamLog().bootstrapServers());
  }

  @Test
  void aClientWithoutCredentialsCannotProduce() {
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.anonymous(platform)) {
      // the SASL listener drops a client that does not authenticate: no metadata ever comes
      assertThat(produce(producer, "{\"id\":\"anonymous\"}")).isInstanceOf(TimeoutException.class);
    }
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaClients.as(platform, "admin", "not-the-password", true)) {
      assertThat(produce(producer, "{\"id\":\"wrong-password\"}"))
          .isInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void aUserProducesOnlyWithAnIngestGrantAndLosesAccessWhenRemoved() {
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"ana\",\"password\":\"ana-password-1\"}")
                .status())
        .isEqualTo(201);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  KafkaClients.as(platform, "ana", "ana-password-1", false)) {
                assertThat(produce(producer, "{\"id\":\"denied\"}"))
                    .isInstanceOf(TopicAuthorizationException.class);
              }
            });

    assertThat(
            admin
                .post(
                    "/v1/grants",
                    "application/json",
                    "{\"principal\":\"user:ana\",\"privilege\":\"ingest\",\"resource\":\"stream:orders\"}")
                .status())
        .isEqualTo(201);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  KafkaClients.as(platform, "ana", "ana-password-1", true)) {
                assertThat(produce(producer, "{\"id\":\"from-ana\"}")).isNull();
              }
            });
    await()
        .atMost(WAIT)
        .until(() -> admin.count("SELECT count(*) FROM raw.orders WHERE id = 'from-ana'") == 1);
    assertThat(admin.count("SELECT count(*) FROM raw.orders WHERE id = 'denied'")).isZero();

    assertThat(admin.delete("/v1/users/ana").status()).isEqualTo(204);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  KafkaClients.as(platform, "ana", "ana-password-1", true)) {
                assertThat(produce(producer, "{\"id\":\"after-removal\"}"))
                    .isInstanceOf(SaslAuthenticationException.class);
              }
            });
  }

  @Test
  void aUserStoredBeforeKafkaWasMirroredProducesWithItsStoredVerifier(@TempDir Path older)
      throws Exception {
    String streams =
        """
          - name: orders
            partitions: 1
            buffer: { interval: 0s }
        """;
    Platform.start(TestConfigs.config(older, streams), Clock.systemUTC()).close();
    // written behind the access service's back, as a platform without the Kafka mirror left it:
    // no password was ever handed to Kafka
    String url = "jdbc:sqlite:" + older.resolve("catalog.db");
    new io.tributary.access.AccessStore(
            () -> {
              try {
                return java.sql.DriverManager.getConnection(url);
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
            })
        .putUser(
            new io.tributary.access.User(
                "legacy",
                io.tributary.access.User.Kind.SERVICE,
                java.util.Optional.of(
                    new io.tributary.access.PasswordHasher(
                            io.tributary.access.PasswordHasher.Cost.DEFAULT,
                            new java.security.SecureRandom())
                        .hash("legacy-password-1")),
                java.util.Optional.empty()));
    try (Platform restarted =
        Platform.start(TestConfigs.config(older, streams), Clock.systemUTC())) {
      Http http = Http.admin(restarted);
      assertThat(
              http.post(
                      "/v1/grants",
                      "application/json",
                      "{\"principal\":\"user:legacy\",\"privilege\":\"ingest\",\"resource\":\"stream:orders\"}")
                  .status())
          .isEqualTo(201);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                try (KafkaProducer<byte[], byte[]> producer =
                    KafkaClients.as(restarted, "legacy", "legacy-password-1", true)) {
                  assertThat(produce(producer, "{\"id\":\"from-legacy\"}")).isNull();
                }
              });
    }
  }

  @Test
  void theAdminProducesAndThePlatformDeliversOverItsInternalListener() {
    assertThat(admin.ndjson("orders", "{\"id\":\"over-http\"}\n").status()).isEqualTo(200);
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.admin(platform)) {
      assertThat(produce(producer, "{\"id\":\"from-admin\"}")).isNull();
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                admin.count(
                        "SELECT count(*) FROM raw.orders WHERE id IN ('over-http', 'from-admin')")
                    == 2);
  }

  @Test
  void temporaryCredentialsProduceForTheirLifetime() {
    Http.Response temporary =
        admin.post("/v1/credentials/temporary", "application/json", "{\"duration\":\"15m\"}");
    assertThat(temporary.status()).as(temporary.raw().body()).isEqualTo(201);
    String user = temporary.body().path("user").asText();
    String password = temporary.body().path("password").asText();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  KafkaClients.as(platform, user, password, true)) {
                assertThat(produce(producer, "{\"id\":\"from-temporary\"}")).isNull();
              }
            });
    await()
        .atMost(WAIT)
        .until(
            () -> admin.count("SELECT count(*) FROM raw.orders WHERE id = 'from-temporary'") == 1);
  }

  @Test
  void aRotatedUsersOldAndNewPasswordsBothProduceUntilTheNextRotation() {
    assertThat(
            admin
                .put(
                    "/v1/secrets/rotor",
                    "{\"generate\": {\"length\": 24},"
                        + " \"rotation\": {\"every\": \"30d\", \"rotator\": \"user-password\"}}")
                .status())
        .isEqualTo(201);
    String first = admin.get("/v1/secrets/rotor/value").body().path("value").asText();
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"rotor\",\"password\":\"" + first + "\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/v1/grants",
                    "application/json",
                    "{\"principal\":\"user:rotor\",\"privilege\":\"ingest\",\"resource\":\"stream:orders\"}")
                .status())
        .isEqualTo(201);
    awaitProduces("rotor", first, "{\"id\":\"rotor-first\"}");

    assertThat(admin.post("/v1/secrets/rotor/rotate", "application/json", "").status())
        .isEqualTo(200);
    String second = admin.get("/v1/secrets/rotor/value").body().path("value").asText();
    assertThat(second).isNotEqualTo(first);
    try (KafkaProducer<byte[], byte[]> old = KafkaClients.as(platform, "rotor", first, true);
        KafkaProducer<byte[], byte[]> current = KafkaClients.as(platform, "rotor", second, true)) {
      assertThat(produce(old, "{\"id\":\"rotor-old\"}")).as("previous password").isNull();
      assertThat(produce(current, "{\"id\":\"rotor-new\"}")).as("current password").isNull();
    }

    assertThat(admin.post("/v1/secrets/rotor/rotate", "application/json", "").status())
        .isEqualTo(200);
    String third = admin.get("/v1/secrets/rotor/value").body().path("value").asText();
    try (KafkaProducer<byte[], byte[]> oldest = KafkaClients.as(platform, "rotor", first, true);
        KafkaProducer<byte[], byte[]> previous = KafkaClients.as(platform, "rotor", second, true);
        KafkaProducer<byte[], byte[]> current = KafkaClients.as(platform, "rotor", third, true)) {
      assertThat(produce(oldest, "{\"id\":\"rotor-oldest\"}"))
          .as("two rotations old")
          .isInstanceOf(SaslAuthenticationException.class);
      assertThat(produce(previous, "{\"id\":\"rotor-second\"}")).isNull();
      assertThat(produce(current, "{\"id\":\"rotor-third\"}")).isNull();
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                admin.count(
                        "SELECT count(*) FROM raw.orders WHERE id IN"
                            + " ('rotor-old', 'rotor-new', 'rotor-second', 'rotor-third')")
                    == 4);
  }

  private void awaitProduces(String user, String password, String json) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  KafkaClients.as(platform, user, password, true)) {
                assertThat(produce(producer, json)).isNull();
              }
            });
  }

  /** Sends one record to {@code orders}: null when written, else why not. */
  private static Throwable produce(KafkaProducer<byte[], byte[]> producer, String json) {
    try {
      producer.send(new ProducerRecord<>("orders", json.getBytes(StandardCharsets.UTF_8))).get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      return e;
    }
  }
}
