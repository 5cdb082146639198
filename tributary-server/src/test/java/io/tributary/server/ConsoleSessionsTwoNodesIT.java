package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.access.AdminCredentials;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two platforms (two nodes) sharing one real PostgreSQL metadata database: a console session begun
 * on one node works on the other, a logout on one ends it on the other, and so does a password
 * change; the database holds no session id.
 */
class ConsoleSessionsTwoNodesIT {
  private static final Pattern CSRF_META =
      Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
  private static final Pattern LOGIN_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Test
  void aSessionBegunOnOneNodeWorksAndEndsOnTheOther() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get());
        Platform a = Platform.start(config(postgres, dir.resolve("a")), Clock.systemUTC())) {
      Files.createDirectories(dir.resolve("b"));
      Files.copy(
          dir.resolve("a").resolve(AdminCredentials.FILE_NAME),
          dir.resolve("b").resolve(AdminCredentials.FILE_NAME),
          StandardCopyOption.COPY_ATTRIBUTES);
      try (Platform b = Platform.start(config(postgres, dir.resolve("b")), Clock.systemUTC())) {
        Http adminA = Http.admin(a);
        assertThat(
                adminA
                    .post(
                        "/v1/users",
                        "application/json",
                        "{\"name\":\"ana\",\"password\":\"ana-pass-1\"}")
                    .status())
            .isEqualTo(201);

        String session = login(a.httpUri(), "ana", "ana-pass-1");
        HttpResponse<String> home = get(b.httpUri(), "/", session);
        assertThat(home.statusCode()).as("a's session on b").isEqualTo(200);
        assertThat(home.body()).contains("ana");
        try (Connection db =
                DriverManager.getConnection(postgres.jdbcUri(), PostgresServer.USER, "");
            Statement statement = db.createStatement();
            ResultSet rows =
                statement.executeQuery("SELECT id_hash, user_name FROM console_sessions")) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getString(1)).isNotEqualTo(session).hasSize(64);
        }

        // logout on b (with the CSRF token b's page carries) ends the session on a
        String csrf = match(CSRF_META, home.body());
        HttpResponse<String> logout = post(b.httpUri(), "/logout", session, csrf, "");
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(get(a.httpUri(), "/", session).headers().firstValue("Location"))
            .hasValueSatisfying(location -> assertThat(location).startsWith("/login"));
        assertThat(get(b.httpUri(), "/", session).statusCode()).isEqualTo(303);

        // a password set on a ends the sessions begun before, on b too
        String again = login(b.httpUri(), "ana", "ana-pass-1");
        assertThat(get(a.httpUri(), "/", again).statusCode()).isEqualTo(200);
        assertThat(
                adminA
                    .post(
                        "/v1/users",
                        "application/json",
                        "{\"name\":\"ana\",\"password\":\"ana-pass-2\"}")
                    .status())
            .isEqualTo(201);
        assertThat(get(b.httpUri(), "/", again).statusCode()).isEqualTo(303);
        String fresh = login(a.httpUri(), "ana", "ana-pass-2");
        assertThat(get(b.httpUri(), "/", fresh).statusCode()).isEqualTo(200);

        // a removed user's sessions end on every node
        assertThat(adminA.delete("/v1/users/ana").status()).isEqualTo(204);
        assertThat(get(b.httpUri(), "/", fresh).statusCode()).isEqualTo(303);
      }
    }
  }

  /** Logs in through the form; returns the session cookie's value. */
  private String login(URI base, String user, String password) throws Exception {
    HttpResponse<String> form = get(base, "/login", null);
    assertThat(form.statusCode()).isEqualTo(200);
    String token = match(LOGIN_TOKEN, form.body());
    String body =
        "_csrf=" + enc(token) + "&next=%2F&user=" + enc(user) + "&password=" + enc(password);
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(base.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", ConsoleRoutes.LOGIN_COOKIE + "=" + token)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
    return answer.headers().allValues("Set-Cookie").stream()
        .filter(cookie -> cookie.startsWith("tributary_session="))
        .map(cookie -> cookie.substring("tributary_session=".length(), cookie.indexOf(';')))
        .findFirst()
        .orElseThrow();
  }

  private HttpResponse<String> get(URI base, String path, String session)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
    if (session != null) {
      request.header("Cookie", "tributary_session=" + session);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(URI base, String path, String session, String csrf, String body)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Cookie", "tributary_session=" + session)
            .header("X-CSRF-Token", csrf)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String match(Pattern pattern, String html) {
    Matcher matcher = pattern.matcher(html);
    assertThat(matcher.find()).as("%s in %s", pattern, html).isTrue();
    return matcher.group(1);
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static TributaryConfig config(PostgresServer postgres, Path dataDir) {
    String yaml =
        TestConfigs.yaml(dataDir, 0, "  []\n")
            + "\ncatalog: { uri: \""
            + postgres.jdbcUri()
            + "\", user: "
            + PostgresServer.USER
            + " }\naccess: { refresh-interval: 200ms }\n"
            + "console: { session-idle-timeout: 10m, session-max-age: 1h,"
            + " max-sessions-per-user: 3 }\n";
    return TributaryConfig.fromYaml(yaml, "test");
  }
}
