package io.tributary.amp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.amp.catalog.CatalogService;
import io.tributary.amp.catalog.CatalogServiceConfig;
import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorIT {
  private static final Clock GENERATOR_CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T19:30:00Z"), ZoneOffset.UTC);

  private FakeTributary tributary;
  private Simulator simulator;

  @BeforeEach
  void start() throws IOException {
    tributary =
        new FakeTributary(record -> record.get("event_type").asText().equals("chat_message"));
    simulator =
        new Simulator(
            tributary.uri(),
            "app_events",
            new EventGenerator(SimulatorConfig.defaults(), GENERATOR_CLOCK),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    simulator.close();
    tributary.close();
  }

  @Test
  void followsTheCatalogServiceSoItsNewShowsGetListeners() {
    try (CatalogService catalog =
        CatalogService.start(
            CatalogServiceConfig.defaults().withPort(0).withChangeInterval(Duration.ZERO),
            Clock.systemUTC())) {
      while (catalog.showIds().size() < 210) {
        catalog.changeNow();
      }
      Set<String> added = new HashSet<>(catalog.showIds().subList(200, 210));
      simulator.followCatalog(catalog.uri());
      simulator.run(5_000, Duration.ofSeconds(1), progress -> {});
      List<String> shows =
          tributary.accepted().stream().map(record -> record.get("show_id").asText()).toList();
      assertThat(shows).anyMatch(added::contains);
      assertThat(new HashSet<>(catalog.showIds())).containsAll(shows);
    }
  }

  @Test
  void postsNdjsonBatchesWhoseCountsAddUp() {
    SimulationResult result = simulator.run(5_000, Duration.ofSeconds(1), progress -> {});

    assertThat(tributary.requests())
        .allSatisfy(
            request -> {
              assertThat(request.path()).isEqualTo("/v1/streams/app_events/records");
              assertThat(request.contentType()).isEqualTo("application/x-ndjson");
              assertThat(request.lines()).isBetween(1, Simulator.MAX_BATCH);
            });
    long lines = tributary.requests().stream().mapToLong(FakeTributary.Request::lines).sum();
    assertThat(result.sent()).isEqualTo(lines).isBetween(3_500L, 6_000L);
    assertThat(result.accepted()).isEqualTo(tributary.accepted().size());
    assertThat(result.failed()).isPositive().isEqualTo(result.sent() - result.accepted());
    assertThat(result.retries()).isZero();
    assertThat(tributary.accepted())
        .extracting(record -> record.get("event_id").asText())
        .doesNotHaveDuplicates();
  }

  @Test
  void pacesToTheTargetRate() {
    SimulationResult result = simulator.run(2_000, Duration.ofSeconds(1), progress -> {});

    assertThat(result.sent()).isBetween(1_500L, 2_500L);
    assertThat(result.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
    assertThat(tributary.requests().size()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void resendsABatchRefusedWith429AfterRetryAfterAndStoresItOnce() {
    tributary.answerNext(429, "1", "{\"code\":\"overloaded\",\"message\":\"slow down\"}");

    SimulationResult result = simulator.run(1_000, Duration.ofMillis(300), progress -> {});

    assertThat(result.retries()).isEqualTo(1);
    assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    List<FakeTributary.Request> requests = tributary.requests();
    assertThat(requests.get(1).lines()).isEqualTo(requests.get(0).lines());
    long storedLines = requests.stream().skip(1).mapToLong(FakeTributary.Request::lines).sum();
    assertThat(result.sent()).isEqualTo(storedLines).isPositive();
    assertThat(result.accepted() + result.failed()).isEqualTo(result.sent());
    assertThat(tributary.accepted()).hasSize((int) result.accepted());
    assertThat(tributary.accepted())
        .extracting(record -> record.get("event_id").asText())
        .doesNotHaveDuplicates();
  }

  @Test
  void resendsABatchRefusedWith503() {
    tributary.answerNext(503, "0", "{\"code\":\"unavailable\",\"message\":\"restarting\"}");
    tributary.answerNext(503, "0", "{\"code\":\"unavailable\",\"message\":\"restarting\"}");

    SimulationResult result = simulator.run(1_000, Duration.ofMillis(300), progress -> {});

    assertThat(result.retries()).isEqualTo(2);
    assertThat(result.accepted()).isEqualTo(tributary.accepted().size()).isPositive();
  }

  @Test
  void failsWithStatusAndBodyWhenTheServerRejectsTheRequest() {
    tributary.answerNext(
        400, null, "{\"code\":\"invalid_json\",\"message\":\"line 1 is not JSON\"}");

    assertThatThrownBy(() -> simulator.run(1_000, Duration.ofSeconds(1), progress -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("/v1/streams/app_events/records")
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("line 1 is not JSON")
        .extracting(e -> ((InvalidInputException) e).code())
        .isEqualTo("request_refused");
    assertThat(tributary.accepted()).isEmpty();
  }

  @Test
  void runsInBackgroundUntilClosed() throws Exception {
    List<Progress> reports = new CopyOnWriteArrayList<>();

    CompletableFuture<SimulationResult> running =
        simulator.runInBackground(3_000, Duration.ZERO, reports::add);

    await().atMost(Duration.ofSeconds(10)).until(() -> !reports.isEmpty());
    assertThatThrownBy(() -> simulator.run(1, Duration.ofSeconds(1), progress -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running");
    simulator.close();
    SimulationResult result = running.get(10, TimeUnit.SECONDS);

    assertThat(reports.get(0).sent()).isPositive();
    assertThat(reports.get(0).eventsPerSecond()).isBetween(1_000.0, 6_000.0);
    assertThat(result.accepted()).isEqualTo(tributary.accepted().size());
    assertThat(result.sent()).isGreaterThanOrEqualTo(reports.get(0).sent());
    assertThatThrownBy(() -> simulator.run(1, Duration.ofSeconds(1), progress -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void sendsEveryGeneratedFieldThrough() {
    simulator.run(500, Duration.ofMillis(200), progress -> {});

    assertThat(tributary.accepted()).isNotEmpty();
    for (JsonNode record : tributary.accepted()) {
      EventGeneratorPropertiesTest.assertWellFormed(record, SimulatorConfig.defaults());
    }
  }
}
