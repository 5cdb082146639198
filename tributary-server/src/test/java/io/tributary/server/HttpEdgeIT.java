package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.config.TributaryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP edge against cross-site requests and DNS rebinding, probed on every registered route: a
 * foreign {@code Host} or {@code Origin} is refused, a JSON route refuses other content types, no
 * CORS headers; and a truncated query answer says so in its body and a header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeIT {
  private static final int MAX_ROWS = 5;
  private static final Set<String> NON_JSON_ROUTES =
      Set.of(
          "PUT /v1/landing/{source}/<path>",
          "POST /v1/streams/{name}/records",
          "POST /v1/topics/{name}/messages",
          // OAuth2 takes form bodies only (and refuses the rest with 415 itself)
          "POST " + IcebergOAuth.PATH);

  @TempDir static Path dir;
  private Platform platform;
  private RawHttp raw;
  private Http http;

  @BeforeAll
  void start() {
    String yaml =
        TestConfigs.yaml(dir, 0, "  - name: clicks\n")
            + "\nquery: { max-rows: "
            + MAX_ROWS
            + " }\n";
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    http = Http.admin(platform);
    raw = new RawHttp(platform.httpUri(), http.authorization());
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void everyRouteRefusesAForeignHost() {
    List<String> routes = platform.httpRoutes();
    assertThat(routes).contains("POST /v1/query", "PUT /v1/streams/{name}");
    int port = platform.httpUri().getPort();
    for (String route : routes) {
      for (String host :
          List.of(
              "evil.example:" + port,
              "evil.example",
              "localhost:1",
              "127.0.0.1.evil.example:" + port)) {
        RawHttp.Answer answer = send(route, Map.of("Host", host), "application/json", "{}");
        assertThat(answer.status()).as("%s with Host '%s'", route, host).isEqualTo(421);
        if (!route.startsWith("HEAD ")) {
          assertThat(answer.body()).as("%s", route).contains("misdirected_request");
        }
        assertNoCors(route, answer);
      }
    }
  }

  @Test
  void everyRouteRefusesAForeignOrigin() {
    for (String route : platform.httpRoutes()) {
      for (String origin :
          List.of("http://evil.example", "null", "https://" + raw.host(), "http://localhost:1")) {
        RawHttp.Answer answer =
            send(route, Map.of("Host", raw.host(), "Origin", origin), "application/json", "{}");
        assertThat(answer.status()).as("%s from Origin '%s'", route, origin).isEqualTo(403);
        if (!route.startsWith("HEAD ")) {
          assertThat(answer.body()).as("%s", route).contains("forbidden_origin");
        }
        assertNoCors(route, answer);
      }
    }
  }

  @Test
  void everyJsonRouteWithABodyRefusesOtherContentTypes() {
    for (String route : platform.httpRoutes()) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      boolean api = path.startsWith("/v1/") || path.startsWith("/iceberg/");
      if (!Set.of("POST", "PUT", "PATCH").contains(method)
          || NON_JSON_ROUTES.contains(route)
          || !api) { // console pages take HTML forms, checked by their CSRF token
        continue;
      }
      for (String type :
          List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
        RawHttp.Answer answer = send(route, Map.of("Host", raw.host()), type, "{\"sql\":\"x\"}");
        assertThat(answer.status()).as("%s as %s", route, type).isEqualTo(415);
      }
      RawHttp.Answer untyped = send(route, Map.of("Host", raw.host()), null, "{\"sql\":\"x\"}");
      assertThat(untyped.status()).as("%s without a content type", route).isEqualTo(415);
    }
  }

  @Test
  void theIcebergEndpointAnswersRefusalsInTheSpecificationsShape() {
    RawHttp.Answer answer =
        send("POST /iceberg/v1/namespaces", Map.of("Host", raw.host()), "text/plain", "{}");
    assertThat(answer.status()).isEqualTo(415);
    assertThat(answer.body()).contains("\"type\":\"unsupported_media_type\"", "\"code\":415");
  }

  @Test
  void theRecordsRouteRefusesPlainText() {
    RawHttp.Answer answer =
        send(
            "POST /v1/streams/clicks/records",
            Map.of("Host", raw.host()),
            "text/plain",
            "{\"a\":1}\n");
    assertThat(answer.status()).isEqualTo(415);
  }

  @Test
  void thePlatformsOwnNamesAreServed() {
    int port = platform.httpUri().getPort();
    for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port)) {
      RawHttp.Answer answer =
          raw.send("GET", "/health", Map.of("Host", host, "Origin", "http://" + host), new byte[0]);
      assertThat(answer.status()).as("Host %s", host).isEqualTo(200);
      assertNoCors("GET /health", answer);
    }
  }

  @Test
  void aBodyShorterThanItsContentLengthIsTheClientsFault() {
    for (String route :
        List.of(
            "POST /v1/streams/clicks/records",
            "PUT /v1/landing/uploads/a.csv",
            "POST /v1/query",
            "PUT /v1/streams/other",
            "POST /iceberg/v1/namespaces")) {
      String type = route.contains("records") ? "application/x-ndjson" : "application/json";
      byte[] body = "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8);
      Map<String, String> headers =
          Map.of("Host", raw.host(), "Content-Type", type, "Content-Length", "1000");
      int space = route.indexOf(' ');
      RawHttp.Answer answer =
          raw.send(route.substring(0, space), route.substring(space + 1), headers, body);
      assertThat(answer.status()).as("%s: %s", route, answer.body()).isEqualTo(400);
    }
    assertThat(http.get("/health").status()).isEqualTo(200);
  }

  @Test
  void aPreflightGetsNoCorsHeaders() {
    RawHttp.Answer answer =
        raw.send(
            "OPTIONS",
            "/v1/query",
            Map.of(
                "Host",
                raw.host(),
                "Origin",
                "http://" + raw.host(),
                "Access-Control-Request-Method",
                "POST"),
            new byte[0]);
    assertNoCors("OPTIONS /v1/query", answer);
  }

  @Test
  void aTruncatedQueryAnswerSaysSoInTheBodyAndAHeader() {
    Http.Response response =
        http.sql("SELECT * FROM (VALUES (1), (2), (3), (4), (5), (6), (7)) AS t(x)");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body().path("rows")).hasSize(MAX_ROWS);
    assertThat(response.body().path("truncated").asBoolean()).isTrue();
    assertThat(response.body().path("rowLimit").asInt()).isEqualTo(MAX_ROWS);
    assertThat(response.body().path("message").asText())
        .contains("truncated", Integer.toString(MAX_ROWS), "LIMIT", "OFFSET");
    assertThat(response.header("Tributary-Result-Truncated")).isEqualTo("true; limit=" + MAX_ROWS);

    Http.Response whole = http.sql("SELECT * FROM (VALUES (1), (2)) AS t(x)");
    assertThat(whole.body().path("truncated").asBoolean()).isFalse();
    assertThat(whole.body().has("message")).isFalse();
    assertThat(whole.header("Tributary-Result-Truncated")).isNull();
  }

  private RawHttp.Answer send(
      String route, Map<String, String> headers, String contentType, String body) {
    String method = route.substring(0, route.indexOf(' '));
    String path =
        route
            .substring(route.indexOf(' ') + 1)
            .replace("<path>", "a/b.json")
            .replace("*", "v1/namespaces")
            .replaceAll("\\{[^}]+}", "x1");
    byte[] bytes =
        Set.of("GET", "HEAD", "DELETE", "OPTIONS").contains(method)
            ? new byte[0]
            : body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    if (contentType != null && bytes.length > 0) {
      all.put("Content-Type", contentType);
    }
    all.put("Content-Length", Integer.toString(bytes.length));
    return raw.send(method, path, all, bytes);
  }

  private static void assertNoCors(String route, RawHttp.Answer answer) {
    assertThat(answer.headers().keySet())
        .as("%s answer headers", route)
        .noneMatch(name -> name.startsWith("access-control-"));
  }
}
