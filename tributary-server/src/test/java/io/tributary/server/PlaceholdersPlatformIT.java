package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ${secret:name}} and {@code ${var:key}} on the real platform: an http-enrich function's
 * header and a flow http task's URL and header use a secret and a variable; after the secret
 * rotates, the next call carries the new value; a reference to nothing is refused at load.
 */
class PlaceholdersPlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir Path dir;

  /** One request the peer received: its path and Authorization and X-Region headers. */
  private record Seen(String path, String authorization, String region) {}

  @Test
  void functionsAndFlowsUseTheCurrentSecretAndVariableAtEachCall() throws Exception {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    HttpServer peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peer.createContext(
        "/",
        exchange -> {
          seen.add(
              new Seen(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  exchange.getRequestHeaders().getFirst("X-Region")));
          byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    peer.start();
    String authority = "127.0.0.1:" + peer.getAddress().getPort();
    String yaml =
        TestConfigs.yaml(
                dir,
                0,
                """
                  - name: enriched
                    buffer: { interval: 1s }
                """)
            + """
            egress: { allowed-hosts: ["%s"] }
            secrets: { api_key: { allowed-hosts: ["%s"] } }
            topics:
              - name: changes
            """
                .formatted(authority, authority);
    try (Platform platform =
        Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
      Http http = Http.admin(platform);
      String function =
          """
          {"name": "enrich", "topic": "changes", "type": "http-enrich", "emit-to": "enriched",
           "url": "http://%s/enrich/{id}",
           "headers": {"Authorization": "Bearer ${secret:api_key}", "X-Region": "${var:region}"}}
          """
              .formatted(authority);
      String flow =
          """
          name: ping
          tasks:
            - id: call
              type: http
              url: "http://%s/ping/${var:region}"
              headers: { Authorization: "Bearer ${secret:api_key}" }
          """
              .formatted(authority);

      // references to nothing: refused when loaded, naming them
      Http.Response noSecret = http.put("/v1/functions/enrich", function);
      assertThat(noSecret.status()).isEqualTo(400);
      assertThat(noSecret.raw().body()).containsAnyOf("secret 'api_key'", "variable 'region'");
      Http.Response noVariable = http.put("/v1/flows/ping", flow);
      assertThat(noVariable.status()).isEqualTo(400);
      assertThat(noVariable.raw().body()).contains("tasks[0].url").contains("variable 'region'");
      assertThat(http.put("/v1/variables/region", "\"eu\"").status()).isIn(200, 201);
      Http.Response noFlowSecret = http.put("/v1/flows/ping", flow);
      assertThat(noFlowSecret.status()).isEqualTo(400);
      assertThat(noFlowSecret.raw().body()).contains("secret 'api_key'");

      assertThat(http.put("/v1/secrets/api_key", "{\"generate\": {\"length\": 24}}").status())
          .isEqualTo(201);
      assertThat(http.put("/v1/functions/enrich", function).status()).isIn(200, 201);
      assertThat(http.put("/v1/flows/ping", flow).status()).isIn(200, 201);
      String first = http.get("/v1/secrets/api_key/value").body().path("value").asText();

      publish(http, "a");
      await().atMost(WAIT).until(() -> seen.stream().anyMatch(s -> s.path().equals("/enrich/a")));
      assertThat(runFlow(http, "2024-01-01").path("state").asText()).isEqualTo("success");
      assertThat(seen)
          .contains(
              new Seen("/enrich/a", "Bearer " + first, "eu"),
              new Seen("/ping/eu", "Bearer " + first, null));

      assertThat(http.post("/v1/secrets/api_key/rotate", "application/json", "").status())
          .isEqualTo(200);
      assertThat(http.put("/v1/variables/region", "\"us\"").status()).isEqualTo(200);
      String second = http.get("/v1/secrets/api_key/value").body().path("value").asText();
      assertThat(second).isNotEqualTo(first);

      publish(http, "b");
      await().atMost(WAIT).until(() -> seen.stream().anyMatch(s -> s.path().equals("/enrich/b")));
      assertThat(runFlow(http, "2024-01-02").path("state").asText()).isEqualTo("success");
      assertThat(seen)
          .contains(
              new Seen("/enrich/b", "Bearer " + second, "us"),
              new Seen("/ping/us", "Bearer " + second, null));
      // the task log shows the URL as written, never the secret
      String log = http.get("/v1/flows/ping/runs/20240102T000000Z/tasks/call/log").raw().body();
      assertThat(log).contains("${var:region}").doesNotContain(second);
    } finally {
      peer.stop(0);
    }
  }

  private static void publish(Http http, String id) {
    Http.Response published =
        http.post(
            "/v1/topics/changes/messages", "application/x-ndjson", "{\"id\":\"" + id + "\"}\n");
    assertThat(published.status()).as(published.raw().body()).isEqualTo(200);
  }

  private static JsonNode runFlow(Http http, String date) throws IOException {
    Http.Response started =
        http.post(
            "/v1/flows/ping/runs", "application/json", "{\"logical-date\": \"" + date + "\"}");
    assertThat(started.status()).as(started.raw().body()).isEqualTo(201);
    String runId = started.body().path("run-id").asText();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String state = http.get("/v1/flows/ping/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    return http.get("/v1/flows/ping/runs/" + runId).body();
  }
}
