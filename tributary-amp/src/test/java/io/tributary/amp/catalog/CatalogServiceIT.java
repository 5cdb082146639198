package io.tributary.amp.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.amp.SimulatorConfig;
import io.tributary.amp.catalog.CatalogServiceConfig.Faults;
import io.tributary.core.ErrorCode;
import io.tributary.core.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CatalogServiceIT {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:15:00Z"), ZoneOffset.UTC);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static ExecutorService httpThreads;
  private static HttpClient http;

  @BeforeAll
  static void client() {
    httpThreads = Executors.newFixedThreadPool(4);
    http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads).build();
  }

  @AfterAll
  static void closeClient() {
    httpThreads.shutdownNow();
  }

  private static CatalogServiceConfig config() {
    return CatalogServiceConfig.defaults().withPort(0).withChangeInterval(Duration.ZERO);
  }

  @Test
  void servesShowsCreatorsAndPages() throws Exception {
    try (CatalogService service = CatalogService.start(config(), CLOCK)) {
      HttpResponse<String> response = get(service.uri(), "/shows/show_0042");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode show = MAPPER.readTree(response.body());
      assertThat(show.get("show_id").asText()).isEqualTo("show_0042");
      assertThat(show.get("title").asText()).isNotBlank();
      assertThat(show.get("category").asText()).matches("[a-z]+");
      assertThat(show.get("language").asText()).matches("[a-z]{2}");
      assertThat(show.at("/creator/creator_id").asText()).matches("creator_\\d{3}");
      assertThat(show.at("/creator/name").asText()).contains(" ");
      assertThat(show.at("/creator/handle").asText()).matches("@[a-z]+\\d{3}");
      assertThat(show.at("/creator/followers").isIntegralNumber()).isTrue();
      Instant start = Instant.parse(show.at("/schedule/start").asText());
      assertThat(start).isAfter(CLOCK.instant());
      assertThat(Instant.parse(show.at("/schedule/end").asText())).isAfter(start);
      assertThat(show.at("/schedule/timezone").asText()).contains("/");
      assertThat(show.at("/schedule/recurrence").asText()).isNotBlank();
      assertThat(show.get("status").asText()).isEqualTo("active");
      assertThat(show.get("updated_at").asText()).isEqualTo("2026-11-26T10:15:00Z");
      assertThat(show.get("version").asLong()).isEqualTo(1);

      JsonNode creator =
          MAPPER.readTree(
              get(service.uri(), "/creators/" + show.at("/creator/creator_id").asText()).body());
      assertThat(creator.get("name").asText()).isEqualTo(show.at("/creator/name").asText());
      assertThat(creator.get("shows").toString()).contains("show_0042");

      JsonNode first = MAPPER.readTree(get(service.uri(), "/shows?limit=150").body());
      assertThat(first.get("shows")).hasSize(150);
      assertThat(first.get("total").asInt()).isEqualTo(200);
      assertThat(first.get("next_offset").asInt()).isEqualTo(150);
      JsonNode second = MAPPER.readTree(get(service.uri(), "/shows?offset=150&limit=150").body());
      assertThat(second.get("shows")).hasSize(50);
      assertThat(second.get("next_offset").isNull()).isTrue();
      Set<String> ids = new HashSet<>();
      first.get("shows").forEach(s -> ids.add(s.get("show_id").asText()));
      second.get("shows").forEach(s -> ids.add(s.get("show_id").asText()));
      assertThat(ids).isEqualTo(new HashSet<>(service.showIds()));

      JsonNode health = MAPPER.readTree(get(service.uri(), "/health").body());
      assertThat(health.get("status").asText()).isEqualTo("ok");
      assertThat(health.get("shows").asInt()).isEqualTo(200);
    }
  }

  @Test
  void unknownIdsAndBadParametersAreJsonErrors() throws Exception {
    try (CatalogService service = CatalogService.start(config(), CLOCK)) {
      HttpResponse<String> missing = get(service.uri(), "/shows/show_9999");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(MAPPER.readTree(missing.body()).at("/error/code").asText()).isEqualTo("not_found");
      assertThat(MAPPER.readTree(missing.body()).at("/error/message").asText())
          .isEqualTo("show not found: show_9999");
      assertThat(get(service.uri(), "/creators/creator_999").statusCode()).isEqualTo(404);
      HttpResponse<String> bad = get(service.uri(), "/shows?limit=0");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("Invalid limit: '0' (must be an integer 1–1000)");
      HttpResponse<String> badFaults = put(service.uri(), "/admin/faults", "{\"failure-rate\": 2}");
      assertThat(badFaults.statusCode()).isEqualTo(400);
      assertThat(badFaults.body()).contains("failure-rate");
      assertThat(put(service.uri(), "/admin/faults", "{\"latency\": \"fast\"}").statusCode())
          .isEqualTo(400);
      assertThat(put(service.uri(), "/admin/faults", "{\"nope\": 1}").statusCode()).isEqualTo(400);
      assertThat(service.faults()).isEqualTo(Faults.NONE);
    }
  }

  @Test
  void injectsFailuresAndLatencyTogglableAtRunTime() throws Exception {
    CatalogServiceConfig failing =
        config().withFaults(new Faults(Duration.ZERO, Duration.ZERO, 1.0));
    try (CatalogService service = CatalogService.start(failing, CLOCK)) {
      HttpResponse<String> refused = get(service.uri(), "/shows/show_0001");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(MAPPER.readTree(refused.body()).at("/error/code").asText())
          .isEqualTo("unavailable");
      assertThat(get(service.uri(), "/health").statusCode())
          .as("health is never faulted")
          .isEqualTo(200);

      HttpResponse<String> toggled =
          put(service.uri(), "/admin/faults", "{\"failure-rate\": 0, \"latency\": \"300ms\"}");
      assertThat(toggled.statusCode()).isEqualTo(200);
      assertThat(MAPPER.readTree(toggled.body()).get("latency").asText()).isEqualTo("300ms");
      long started = System.nanoTime();
      assertThat(get(service.uri(), "/shows/show_0001").statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));

      service.setFaults(new Faults(Duration.ZERO, Duration.ZERO, 0.5));
      int failures = 0;
      for (int i = 0; i < 100; i++) {
        if (get(service.uri(), "/shows/show_0002").statusCode() == 503) {
          failures++;
        }
      }
      assertThat(failures).isBetween(20, 80);
      JsonNode stats = MAPPER.readTree(get(service.uri(), "/admin/stats").body());
      assertThat(stats.get("calls").asLong()).isEqualTo(102);
      assertThat(stats.get("injected_failures").asLong()).isEqualTo(1L + failures);
    }
  }

  @Test
  void concurrentCallsUnderLatencyDoNotQueueBehindEachOther() throws Exception {
    CatalogServiceConfig slow =
        config().withFaults(new Faults(Duration.ofMillis(200), Duration.ZERO, 0));
    try (CatalogService service = CatalogService.start(slow, CLOCK)) {
      long started = System.nanoTime();
      List<HttpResponse<String>> answers =
          java.util.stream.IntStream.range(0, 400)
              .mapToObj(
                  i ->
                      http.sendAsync(
                          HttpRequest.newBuilder(
                                  service.uri().resolve("/shows/" + service.showIds().get(i % 200)))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
              .toList()
              .stream()
              .map(java.util.concurrent.CompletableFuture::join)
              .toList();
      assertThat(answers).allMatch(a -> a.statusCode() == 200);
      // 400 calls of 200 ms each would take 80 s one after the other
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void publishesEveryChangeRetryingRefusedBatches() throws Exception {
    try (TopicReceiver receiver = new TopicReceiver()) {
      receiver.answerNext(503);
      receiver.answerNext(429);
      receiver.answerNext(500);
      try (CatalogService service =
          CatalogService.start(config().withNotify(receiver.uri()), CLOCK)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.messages().size() >= 200);
        assertThat(receiver.messages())
            .allMatch(m -> m.topic().equals("catalog_changes"))
            .allMatch(m -> m.contentType().equals("application/x-ndjson"))
            .allMatch(m -> m.body().get("change_type").asText().equals("created"));
        assertThat(
                receiver.messages().stream()
                    .map(m -> m.body().get("show_id").asText())
                    .collect(Collectors.toSet()))
            .isEqualTo(new HashSet<>(service.showIds()));

        List<CatalogChange> changes = service.changeNow();
        JsonNode posted = MAPPER.readTree(post(service.uri(), "/admin/changes?count=3").body());
        int expected = 200 + changes.size() + posted.get("changes").size();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.messages().size() == expected);
        JsonNode last = receiver.messages().get(expected - 1).body();
        assertThat(last.get("change_id").asText())
            .isEqualTo(
                posted
                    .get("changes")
                    .get(posted.get("changes").size() - 1)
                    .get("change_id")
                    .asText());
        JsonNode first = receiver.messages().get(200).body();
        assertThat(first.get("change_id").asText()).isEqualTo(changes.get(0).changeId());
        assertThat(first.get("show_id").asText()).isEqualTo(changes.get(0).showId());
        assertThat(first.get("change_type").asText()).isEqualTo(changes.get(0).type().wireName());
        assertThat(first.get("changed_at").asText()).isEqualTo("2026-11-26T10:15:00Z");
        assertThat(receiver.messages().stream().map(m -> m.body().get("change_id").asText()))
            .doesNotHaveDuplicates();
        JsonNode show =
            MAPPER.readTree(get(service.uri(), "/shows/" + changes.get(0).showId()).body());
        assertThat(show.get("version").asLong()).isGreaterThan(1);
        CatalogService.Stats stats = service.stats();
        assertThat(stats.published()).isEqualTo(expected);
        assertThat(stats.failedNotifications()).isZero();
        assertThat(stats.changes()).isEqualTo(expected);
      }
    }
  }

  @Test
  void changesByItselfOnTheInterval() throws Exception {
    try (TopicReceiver receiver = new TopicReceiver();
        CatalogService service =
            CatalogService.start(
                config()
                    .withSize(10, 3)
                    .withChangeInterval(Duration.ofMillis(20))
                    .withNotify(receiver.uri()),
                Clock.systemUTC())) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  receiver.messages().stream()
                      .anyMatch(
                          m ->
                              !m.body().get("change_type").asText().equals("created")
                                  || !m.body()
                                      .get("show_id")
                                      .asText()
                                      .matches("show_00(0\\d|10)")));
    }
  }

  @Test
  void aTakenPortIsAPlatformErrorNotTheCallers() {
    try (CatalogService first = CatalogService.start(config(), CLOCK)) {
      assertThatThrownBy(
              () -> CatalogService.start(config().withPort(first.uri().getPort()), CLOCK).close())
          .isInstanceOfSatisfying(
              PlatformException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PORT_UNAVAILABLE))
          .hasMessageStartingWith("Cannot listen on 127.0.0.1:" + first.uri().getPort());
    }
  }

  @Test
  void defaultSizesServeTheSimulatorsShows() throws Exception {
    try (CatalogService service = CatalogService.start(config(), CLOCK)) {
      var simulated =
          new io.tributary.amp.EventGenerator(SimulatorConfig.withSeed(1), CLOCK).shows();
      for (var show : List.of(simulated.get(0), simulated.get(99), simulated.get(199))) {
        JsonNode served = MAPPER.readTree(get(service.uri(), "/shows/" + show.showId()).body());
        assertThat(served.get("title").asText()).isEqualTo(show.title());
        assertThat(served.at("/creator/creator_id").asText()).isEqualTo(show.creatorId());
      }
    }
  }

  private static HttpResponse<String> get(URI base, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> put(URI base, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI base, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
