package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Access control on the HTTP API: every route checked, grants enforced, access as code. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessIT {
  /** Routes anyone may call. */
  private static final List<String> OPEN =
      List.of(
          "GET /health",
          "POST " + IcebergOAuth.PATH,
          "GET /assets/<path>",
          "GET /login",
          "POST /login");

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
                  - name: events
                    partitions: 1
                    buffer: { interval: 0s }
                  - name: secret
                    partitions: 1
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC());
    admin = Http.admin(platform);
    assertThat(admin.ndjson("events", "{\"a\":1}\n").status()).isEqualTo(200);
    assertThat(admin.ndjson("secret", "{\"b\":2}\n").status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                admin.count("SELECT count(*) FROM raw.events") == 1
                    && admin.count("SELECT count(*) FROM raw.secret") == 1);
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void everyRouteDeclaresWhatItRequires() {
    assertThat(platform.httpRoutes()).hasSizeGreaterThan(30);
    assertThat(platform.httpRoutesWithoutRequirement()).isEmpty();
  }

  @Test
  void anonymousCallsOfEveryRouteAre401() {
    Http anonymous = new Http(platform.httpUri());
    for (String route : platform.httpRoutes()) {
      if (OPEN.contains(route)) {
        continue;
      }
      String method = route.substring(0, route.indexOf(' '));
      String path =
          route
              .substring(route.indexOf(' ') + 1)
              .replaceAll("\\{[a-z]+}", "x")
              .replace("<path>", "a/b")
              .replace("/iceberg/*", "/iceberg/v1/config");
      Http.Response response =
          switch (method) {
            case "GET" -> anonymous.get(path);
            case "HEAD" -> anonymous.head(path);
            case "DELETE" -> anonymous.delete(path);
            case "PUT" -> anonymous.put(path, "{}");
            case "PATCH" -> anonymous.patch(path, "{}");
            default -> anonymous.post(path, "application/json", "{}");
          };
      if (!path.startsWith("/v1/") && !path.startsWith("/iceberg/") && !path.equals("/metrics")) {
        // a console page: a browser goes to the login form (no Basic prompt), a POST is refused
        if (method.equals("GET")) {
          assertThat(response.status()).as(route).isEqualTo(303);
          assertThat(response.header("Location")).as(route).startsWith("/login?next=");
        } else {
          assertThat(response.status()).as(route).isEqualTo(401);
          assertThat(response.header("WWW-Authenticate")).as(route).isNull();
        }
        continue;
      }
      assertThat(response.status()).as(route).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).as(route).contains("Bearer");
    }
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
  }

  @Test
  void aUserReadsOnlyTheTablesGrantedAndIngestsOnlyWhereGranted() {
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"ana\",\"password\":\"ana-pass-1\"}")
                .status())
        .isEqualTo(201);
    grant("user:ana", "read", "table:raw.events");
    Http ana = basic("ana", "ana-pass-1");

    assertThat(ana.count("SELECT count(*) FROM raw.events")).isPositive();
    Http.Response denied = ana.sql("SELECT * FROM raw.secret");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body().path("error").path("code").asText()).isEqualTo("forbidden");
    assertThat(denied.body().path("error").path("message").asText())
        .contains("'read' privilege on table:raw.secret");
    assertThat(ana.get("/v1/tables").body().findValuesAsText("table"))
        .containsExactly("raw.events");
    assertThat(
            ana.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'")
                .body()
                .path("rows")
                .toString())
        .contains("events")
        .doesNotContain("secret");

    Http.Response ingest = ana.ndjson("events", "{\"a\":2}\n");
    assertThat(ingest.status()).isEqualTo(403);
    assertThat(ingest.body().path("error").path("message").asText())
        .contains("'ingest' privilege on stream:events");
    assertThat(ana.get("/iceberg/v1/namespaces/raw/tables/secret").status()).isEqualTo(403);
    assertThat(ana.get("/iceberg/v1/namespaces/raw/tables/events").status()).isEqualTo(200);
    assertThat(ana.get("/iceberg/v1/namespaces/raw/tables").body().findValuesAsText("name"))
        .containsExactly("events");
    assertThat(ana.get("/metrics").status()).isEqualTo(403);
    assertThat(basic("ana", "wrong-password").get("/v1/tables").status()).isEqualTo(401);
  }

  @Test
  void tokensAreShownOnceAndScopedAndRemovingTheUserRevokesThem() {
    admin.post("/v1/users", "application/json", "{\"name\":\"scraper\",\"kind\":\"service\"}");
    Http.Response issued =
        admin.post("/v1/users/scraper/tokens", "application/json", "{\"scopes\":[\"metrics\"]}");
    assertThat(issued.status()).isEqualTo(201);
    String token = issued.body().path("token").asText();
    Http scraper = new Http(platform.httpUri(), () -> Optional.of("Bearer " + token));
    assertThat(scraper.get("/metrics").status()).isEqualTo(200);
    assertThat(scraper.sql("SELECT 1").status()).isEqualTo(200);
    assertThat(admin.delete("/v1/users/scraper").status()).isEqualTo(204);
    Http.Response revoked = scraper.get("/metrics");
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.body().path("error").path("message").asText()).contains("revoked");
  }

  @Test
  void temporaryCredentialsWorkWithBasicAndCarryTheCallersGrants() {
    Http.Response temporary =
        admin.post("/v1/credentials/temporary", "application/json", "{\"duration\":\"15m\"}");
    assertThat(temporary.status()).isEqualTo(201);
    Http user =
        basic(temporary.body().path("user").asText(), temporary.body().path("password").asText());
    assertThat(user.count("SELECT count(*) FROM raw.secret")).isEqualTo(1);
    assertThat(
            admin
                .post("/v1/credentials/temporary", "application/json", "{\"duration\":\"2h\"}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void accessAsCodePlansAppliesAndIsIdempotentOverHttpAndTheCli() throws Exception {
    String spec =
        """
        users: [{name: bo, password: "bo-password"}]
        groups: [{name: analysts, members: [bo]}]
        grants: [{principal: group:analysts, privilege: read, resource: namespace:raw}]
        """;
    Path file = dir.resolve("access.yaml");
    Files.writeString(file, spec);
    String server = platform.httpUri().toString();
    String data = platform.config().dataDir().toString();
    CliRun plan =
        CliRun.platform("access", "plan", file.toString(), "--server", server, "--data-dir", data);
    assertThat(plan.exit()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("create user bo", "create group analysts");
    assertThat(basic("bo", "bo-password").get("/v1/tables").status()).isEqualTo(401);

    CliRun apply =
        CliRun.platform("access", "apply", file.toString(), "--server", server, "--data-dir", data);
    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(basic("bo", "bo-password").count("SELECT count(*) FROM raw.secret")).isEqualTo(1);
    Http.Response again =
        admin.post(
            "/v1/access/apply",
            "application/json",
            Http.JSON.writeValueAsString(Map.of("spec", spec)));
    assertThat(again.body().path("changes").size()).isZero();

    Http.Response unknown =
        admin.post(
            "/v1/access/plan",
            "application/json",
            Http.JSON.writeValueAsString(
                Map.of(
                    "spec",
                    "grants: [{principal: user:nobody, privilege: read, resource: namespace:raw}]")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("error").path("message").asText())
        .contains("Unknown user 'nobody'");
  }

  @Test
  void theGrantsApiAddsListsAndRemoves() {
    admin.post("/v1/users", "application/json", "{\"name\":\"cy\",\"password\":\"cy-password\"}");
    grant("user:cy", "ingest", "stream:events");
    assertThat(admin.get("/v1/grants?principal=user:cy").body().path("grants").toString())
        .contains("stream:events");
    Http cy = basic("cy", "cy-password");
    assertThat(cy.ndjson("events", "{\"a\":3}\n").status()).isEqualTo(200);
    assertThat(cy.get("/v1/streams").body().size()).isEqualTo(1); // only what cy may see
    assertThat(cy.get("/v1/streams").body().toString()).contains("events").doesNotContain("secret");
    assertThat(
            admin
                .delete("/v1/grants?principal=user:cy&privilege=ingest&resource=stream:events")
                .status())
        .isEqualTo(204);
    assertThat(cy.ndjson("events", "{\"a\":4}\n").status()).isEqualTo(403);
  }

  @Test
  void loginsAndGrantChangesAreAuditedWhereOnlyAdminsRead() {
    admin.post("/v1/users", "application/json", "{\"name\":\"eve\",\"password\":\"eve-pw-1\"}");
    grant("user:eve", "read", "namespace:raw");
    assertThat(basic("eve", "wrong-password").get("/v1/streams").status()).isEqualTo(401);
    assertThat(basic("eve", "eve-pw-1").sql("SELECT count(*) FROM raw.events").status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                admin.count(
                            "SELECT count(*) FROM raw.audit_log WHERE action = 'auth.http'"
                                + " AND outcome = 'failure'")
                        >= 1
                    && admin.count(
                            "SELECT count(*) FROM raw.audit_log WHERE action = 'auth.http'"
                                + " AND principal = 'eve' AND outcome = 'success'")
                        >= 1
                    && admin.count(
                            "SELECT count(*) FROM raw.audit_log WHERE action = 'grant.create'"
                                + " AND principal = 'admin' AND detail LIKE '%user:eve%'")
                        >= 1);
    assertThat(basic("eve", "eve-pw-1").sql("SELECT count(*) FROM raw.audit_log").status())
        .isEqualTo(403);
  }

  @Test
  void accessOffNeedsNoCredentials(@TempDir Path other) {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            TestConfigs.yaml(other, 0, "  []") + "\naccess: { enabled: false }\n", "test");
    try (Platform open = Platform.start(config, Clock.systemUTC())) {
      Http anonymous = new Http(open.httpUri());
      assertThat(anonymous.get("/v1/tables").status()).isEqualTo(200);
      assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
      // the console: no login, a silent session (for its CSRF token)
      Http.Response home = anonymous.get("/");
      assertThat(home.status()).isEqualTo(200);
      assertThat(home.header("Set-Cookie")).startsWith("tributary_session=").contains("HttpOnly");
      assertThat(home.raw().body()).contains("<h1>Home</h1>").doesNotContain("Log out");
      assertThat(anonymous.get("/login").status()).isEqualTo(303);
    }
  }

  @Test
  void thePostgresEndpointAuthenticatesPlatformUsersAndTheirGrants() throws Exception {
    admin.post("/v1/users", "application/json", "{\"name\":\"dee\",\"password\":\"dee-password\"}");
    grant("user:dee", "read", "table:raw.events");
    assertThat(psql("dee", "dee-password", "SELECT count(*) > 0 FROM raw.events")).isEqualTo("t");
    assertThat(psql("dee", "dee-password", "SELECT count(*) FROM raw.secret"))
        .contains("42501")
        .contains("table:raw.secret");
    assertThat(psql("dee", "wrong-password", "SELECT 1"))
        .contains("password authentication failed");

    Http.Response temporary =
        admin.post("/v1/credentials/temporary", "application/json", "{\"duration\":\"15m\"}");
    assertThat(
            psql(
                temporary.body().path("user").asText(),
                temporary.body().path("password").asText(),
                "SELECT count(*) FROM raw.secret"))
        .isEqualTo("1");
  }

  @Test
  void removingAUserEndsItsPostgresSessions() throws Exception {
    admin.post("/v1/users", "application/json", "{\"name\":\"fay\",\"password\":\"fay-pw-1\"}");
    grant("user:fay", "read", "table:raw.events");
    try (java.sql.Connection session =
        java.sql.DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + platform.pgwirePort() + "/tributary",
            "fay",
            "fay-pw-1")) {
      try (java.sql.Statement statement = session.createStatement();
          java.sql.ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.events")) {
        assertThat(rows.next()).isTrue();
      }
      assertThat(admin.delete("/v1/users/fay").status()).isEqualTo(204);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (java.sql.Statement statement = session.createStatement()) {
                  statement.executeQuery("SELECT 1").close();
                  return false;
                } catch (java.sql.SQLException e) {
                  return true; // the server closed the session
                }
              });
    }
  }

  /** What psql prints for {@code sql} as {@code user} (errors with their SQLSTATE). */
  private String psql(String user, String password, String sql) throws Exception {
    ProcessBuilder psql =
        new ProcessBuilder(
                "psql",
                "-X",
                "-A",
                "-t",
                "-v",
                "VERBOSITY=verbose",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(platform.pgwirePort()),
                "-U",
                user,
                "-d",
                "tributary",
                "-c",
                sql)
            .redirectErrorStream(true);
    psql.environment().put("PGPASSWORD", password);
    Process process = psql.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out.strip();
  }

  @Test
  void aFlowRunsWithItsOwnersPrivilegesCheckedAtEachRun() {
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"flo\",\"password\":\"flo-pass-1\"}")
                .status())
        .isEqualTo(201);
    grant("user:flo", "manage", "flow:copy_events");
    grant("user:flo", "run", "flow:copy_events");
    grant("user:flo", "read", "table:raw.events");
    grant("user:flo", "write", "namespace:transformed");
    Http flo = basic("flo", "flo-pass-1");
    Http.Response saved =
        flo.put(
            "/v1/flows/copy_events",
            """
            name: copy_events
            tasks:
              - id: copy
                type: sql
                sql: SELECT a FROM raw.events
                target: transformed.copy_events
                mode: replace
            """);
    assertThat(saved.status()).as(saved.raw().body()).isEqualTo(201);
    assertThat(runFlow(flo, "2024-01-01").path("state").asText()).isEqualTo("success");

    change("DELETE", "user:flo", "write", "namespace:transformed");
    JsonNode noWrite = runFlow(flo, "2024-01-02");
    assertThat(noWrite.path("state").asText()).isEqualTo("failed");
    assertThat(noWrite.toString())
        .contains("403 forbidden")
        .contains("owner flo, who lacks write on table transformed.copy_events");

    grant("user:flo", "write", "namespace:transformed");
    change("DELETE", "user:flo", "read", "table:raw.events");
    JsonNode noRead = runFlow(flo, "2024-01-03");
    assertThat(noRead.path("state").asText()).isEqualTo("failed");
    assertThat(noRead.toString()).contains("'read' privilege on table:raw.events");

    assertThat(admin.delete("/v1/users/flo").status()).isIn(200, 204);
    JsonNode gone = runFlow(admin, "2024-01-04");
    assertThat(gone.path("state").asText()).isEqualTo("failed");
    assertThat(gone.toString())
        .contains("403 forbidden")
        .contains("owner flo, who no longer exists");
  }

  @Test
  void landingIntoASourceNeedsWriteOnTheNamespaceOfItsCrawlers() {
    assertThat(
            admin
                .put("/v1/crawlers/drops", "{\"source\": \"drops\", \"namespace\": \"landed\"}")
                .status())
        .isEqualTo(201);
    assertThat(admin.put("/v1/landing/uncrawled/a.csv", "id\n1\n").status()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"lea\",\"password\":\"lea-pass-1\"}")
                .status())
        .isEqualTo(201);
    Http lea = basic("lea", "lea-pass-1");

    assertThat(new Http(platform.httpUri()).put("/v1/landing/drops/a.csv", "id\n1\n").status())
        .isEqualTo(401);
    Http.Response denied = lea.put("/v1/landing/drops/a.csv", "id\n1\n");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body().path("error").path("message").asText())
        .contains("User lea lacks the 'write' privilege on namespace:landed");
    assertThat(lea.get("/v1/landing").body().path("sources").size()).isZero();

    grant("user:lea", "write", "namespace:landed");
    Http.Response landed = lea.put("/v1/landing/drops/day=1/a.csv", "id\n1\n");
    assertThat(landed.status()).as(landed.raw().body()).isEqualTo(201);
    Http.Response uncrawled = lea.put("/v1/landing/uncrawled/b.csv", "id\n1\n");
    assertThat(uncrawled.status()).isEqualTo(403);
    assertThat(uncrawled.body().path("error").path("message").asText())
        .contains("'admin' privilege on platform");

    JsonNode listed = lea.get("/v1/landing").body().path("sources");
    assertThat(listed.findValuesAsText("source")).containsExactly("drops");
    assertThat(listed.get(0).path("files").findValuesAsText("path")).containsExactly("day=1/a.csv");
    assertThat(admin.get("/v1/landing").body().path("sources").findValuesAsText("source"))
        .contains("drops", "uncrawled");
  }

  @Test
  void crawlAndMaintainTasksRunWithTheirOwnersPrivileges() {
    assertThat(
            admin
                .put("/v1/crawlers/logs", "{\"source\": \"logs\", \"namespace\": \"logs\"}")
                .status())
        .isEqualTo(201);
    assertThat(admin.put("/v1/landing/logs/a.csv", "id,name\n1,x\n2,y\n").status()).isEqualTo(201);
    // the maintain task's table must exist when the flow is saved
    Http.Response crawled = admin.post("/v1/crawlers/logs/runs?wait=true", null, new byte[0]);
    assertThat(crawled.status()).isEqualTo(200);
    assertThat(crawled.body().toString()).contains("SUCCEEDED");
    assertThat(admin.count("SELECT count(*) FROM logs.logs")).isEqualTo(2);
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"cat\",\"password\":\"cat-pass-1\"}")
                .status())
        .isEqualTo(201);
    grant("user:cat", "manage", "flow:load_logs");
    grant("user:cat", "run", "flow:load_logs");
    Http cat = basic("cat", "cat-pass-1");
    Http.Response saved =
        cat.put(
            "/v1/flows/load_logs",
            """
            name: load_logs
            tasks:
              - { id: load, type: crawl, crawler: logs }
              - { id: tidy, type: maintain, table: logs.logs, depends-on: [load] }
            """);
    assertThat(saved.status()).as(saved.raw().body()).isEqualTo(201);

    JsonNode noRun = runFlow(cat, "load_logs", "2024-01-01");
    assertThat(noRun.path("state").asText()).isEqualTo("failed");
    assertThat(noRun.toString())
        .contains("403 forbidden")
        .contains("owner cat, who lacks the 'run' privilege on crawler:logs");

    grant("user:cat", "run", "crawler:logs");
    JsonNode noWrite = runFlow(cat, "load_logs", "2024-01-02");
    assertThat(noWrite.toString()).contains("lacks the 'write' privilege on namespace:logs");

    grant("user:cat", "write", "namespace:logs");
    JsonNode noManage = runFlow(cat, "load_logs", "2024-01-03");
    assertThat(noManage.path("state").asText()).isEqualTo("failed");
    assertThat(noManage.toString()).contains("lacks the 'manage' privilege on table:logs.logs");

    grant("user:cat", "manage", "table:logs.logs");
    assertThat(runFlow(cat, "load_logs", "2024-01-04").path("state").asText()).isEqualTo("success");
  }

  @Test
  void sparkJavaAndHttpTasksAreCheckedBeforeTheyRun() {
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"oli\",\"password\":\"oli-pass-1\"}")
                .status())
        .isEqualTo(201);
    grant("user:oli", "manage", "flow:others");
    Http.Response saved =
        basic("oli", "oli-pass-1")
            .put(
                "/v1/flows/others",
                """
                name: others
                tasks:
                  - { id: big, type: spark, sql: "SELECT 1 AS a", target: marts.big }
                  - { id: custom, type: java, class: com.example.Missing }
                  - { id: notify, type: http, url: "http://198.51.100.7/done" }
                """);
    assertThat(saved.status()).as(saved.raw().body()).isEqualTo(201);
    change("DELETE", "user:oli", "manage", "flow:others");

    JsonNode run = runFlow(admin, "others", "2024-01-01");
    assertThat(run.path("state").asText()).isEqualTo("failed");
    assertThat(run.toString())
        .contains("owner oli, who lacks the 'write' privilege on table:marts.big")
        .contains("owner oli, who lacks the 'run' privilege on flow:others")
        .contains("flow others may not call http://198.51.100.7/done");
  }

  @Test
  void aFunctionEmitsWithItsOwnersPrivilegesCheckedForEachRecord() {
    assertThat(admin.put("/v1/topics/plays", "{\"partitions\": 1}").status()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"fun\",\"password\":\"fun-pass-1\"}")
                .status())
        .isEqualTo(201);
    grant("user:fun", "manage", "function:likes");
    grant("user:fun", "ingest", "stream:events");
    Http.Response saved =
        basic("fun", "fun-pass-1")
            .put(
                "/v1/functions/likes",
                "{\"topic\": \"plays\", \"type\": \"filter\", \"where\": \"kind == 'like'\","
                    + " \"emit-to\": \"events\"}");
    assertThat(saved.status()).as(saved.raw().body()).isEqualTo(201);
    publish("{\"kind\":\"like\",\"a\":5}\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> admin.count("SELECT count(*) FROM raw.events WHERE a = 5") == 1);

    change("DELETE", "user:fun", "ingest", "stream:events");
    publish("{\"kind\":\"like\",\"a\":6}\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                admin.get("/v1/functions/likes").body().path("status").path("deadLetters").asLong()
                    == 1);
    assertThat(admin.count("SELECT count(*) FROM raw.events WHERE a = 6")).isZero();
  }

  private void publish(String ndjson) {
    Http.Response published =
        admin.post("/v1/topics/plays/messages", "application/x-ndjson", ndjson);
    assertThat(published.status()).as(published.raw().body()).isEqualTo(200);
  }

  private JsonNode runFlow(Http http, String date) {
    return runFlow(http, "copy_events", date);
  }

  private JsonNode runFlow(Http http, String flow, String date) {
    Http.Response started =
        http.post(
            "/v1/flows/" + flow + "/runs",
            "application/json",
            "{\"logical-date\": \"" + date + "\"}");
    assertThat(started.status()).as(started.raw().body()).isEqualTo(201);
    String path = "/v1/flows/" + flow + "/runs/" + started.body().path("run-id").asText();
    await()
        .atMost(Duration.ofSeconds(40))
        .until(
            () -> {
              String state = admin.get(path).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    return admin.get(path).body();
  }

  private void change(String method, String principal, String privilege, String resource) {
    Http.Response response =
        admin.send(
            java.net.http.HttpRequest.newBuilder(platform.httpUri().resolve("/v1/grants"))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"principal\":\""
                            + principal
                            + "\",\"privilege\":\""
                            + privilege
                            + "\",\"resource\":\""
                            + resource
                            + "\"}")));
    assertThat(response.status()).as(response.raw().body()).isIn(200, 204);
  }

  private void grant(String principal, String privilege, String resource) {
    Http.Response response =
        admin.post(
            "/v1/grants",
            "application/json",
            "{\"principal\":\""
                + principal
                + "\",\"privilege\":\""
                + privilege
                + "\",\"resource\":\""
                + resource
                + "\"}");
    assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
  }

  private Http basic(String user, String password) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new Http(platform.httpUri(), () -> Optional.of(header));
  }
}
