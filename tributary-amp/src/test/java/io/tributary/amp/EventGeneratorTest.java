package io.tributary.amp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventGeneratorTest {
  private static final Clock EVENING_IN_EUROPE =
      Clock.fixed(Instant.parse("2026-11-26T19:30:00Z"), ZoneOffset.UTC);

  @Test
  void defaultsArePinned() {
    assertThat(SimulatorConfig.defaults()).isEqualTo(new SimulatorConfig(42, 200, 60, 10_000));
    assertThat(SimulatorConfig.defaults()).isEqualTo(new SimulatorConfig(42, 200, 60, 10_000, 42));
  }

  @Test
  void invalidSizesNameTheSizeAndTheRange() {
    assertThatThrownBy(() -> new SimulatorConfig(1, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid simulator shows: 0 (must be 1–9999)");
    assertThatThrownBy(() -> new SimulatorConfig(1, 10, 11, 100))
        .hasMessage("Invalid simulator creators: 11 (must be 1–10)");
    assertThatThrownBy(() -> new SimulatorConfig(1, 10, 5, 4))
        .hasMessage("Invalid simulator users: 4 (must be 5–999999)");
  }

  @Test
  void catalogHasEveryShowAndCreatorWithUniqueTitles() {
    List<Show> shows = new EventGenerator(SimulatorConfig.defaults(), EVENING_IN_EUROPE).shows();
    assertThat(shows).hasSize(200);
    assertThat(shows.get(0).showId()).isEqualTo("show_0001");
    assertThat(shows.get(199).showId()).isEqualTo("show_0200");
    assertThat(shows).extracting(Show::title).doesNotHaveDuplicates().allMatch(t -> !t.isBlank());
    assertThat(shows.stream().map(Show::creatorId).distinct().count()).isEqualTo(60);
    assertThat(shows)
        .extracting(Show::creatorId)
        .allMatch(id -> id.matches("creator_0[0-5]\\d|creator_060"));
    assertThat(shows).extracting(Show::category).allMatch(c -> c.matches("[a-z]+"));
    assertThat(new EventGenerator(SimulatorConfig.defaults(), Clock.systemUTC()).shows())
        .isEqualTo(shows);
    assertThat(new EventGenerator(SimulatorConfig.withSeed(43), EVENING_IN_EUROPE).shows())
        .as("the catalog has a seed of its own: a new event seed keeps the shows")
        .isEqualTo(shows);
    assertThat(
            new EventGenerator(SimulatorConfig.defaults().withCatalogSeed(43), EVENING_IN_EUROPE)
                .shows())
        .isNotEqualTo(shows);
  }

  @Test
  void addedShowsGetListenersAndUnknownHostsAreSkipped() {
    EventGenerator generator = new EventGenerator(SimulatorConfig.defaults(), EVENING_IN_EUROPE);
    Show fresh = new Show("show_0201", "Brand New Hour", "creator_007", "music");
    assertThat(
            generator.addShows(
                List.of(
                    fresh,
                    generator.shows().get(0),
                    new Show("show_0202", "Nobody's Show", "creator_20000000", "music"),
                    new Show("show_0203", "Odd Host", "host_1", "music"))))
        .isEqualTo(1);
    assertThat(generator.addShows(List.of(fresh))).isZero();
    assertThat(generator.shows()).hasSize(200);
    long freshEvents = 0;
    for (int i = 0; i < 50_000; i++) {
      ObjectNode event = generator.next();
      if (event.get("show_id").asText().equals("show_0201")) {
        freshEvents++;
        assertThat(event.get("creator_id").asText()).isEqualTo("creator_007");
      }
      assertThat(event.get("show_id").asText()).isNotIn("show_0202", "show_0203");
    }
    assertThat(freshEvents).isPositive();
  }

  @Test
  void timestampsHaveMillisecondsInUtc() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T07:42:00.123456Z"), ZoneOffset.UTC);
    assertThat(new EventGenerator(SimulatorConfig.defaults(), clock).next().get("ts").asText())
        .isEqualTo("2026-11-26T07:42:00.123Z");
    Clock whole = Clock.fixed(Instant.parse("2026-11-26T07:42:00Z"), ZoneOffset.UTC);
    assertThat(new EventGenerator(SimulatorConfig.defaults(), whole).next().get("ts").asText())
        .isEqualTo("2026-11-26T07:42:00.000Z");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 42, 2026})
  void aFewShowsGetMostListens(long seed) {
    Map<String, Long> starts =
        countListenStarts(seed, EVENING_IN_EUROPE, e -> e.get("show_id").asText());
    long total = starts.values().stream().mapToLong(Long::longValue).sum();
    long top =
        starts.values().stream()
            .sorted((a, b) -> Long.compare(b, a))
            .limit(20)
            .mapToLong(Long::longValue)
            .sum();
    assertThat(total).isGreaterThan(1_000);
    assertThat((double) top / total).isGreaterThan(0.6);
  }

  @Test
  void heavyUsersListenFarMoreThanTheirShare() {
    Map<String, Long> starts =
        countListenStarts(42, EVENING_IN_EUROPE, e -> e.get("user_id").asText());
    long total = starts.values().stream().mapToLong(Long::longValue).sum();
    long topFivePercentOfUsers =
        starts.values().stream()
            .sorted((a, b) -> Long.compare(b, a))
            .limit(500)
            .mapToLong(Long::longValue)
            .sum();
    assertThat((double) topFivePercentOfUsers / total).isGreaterThan(0.25);
  }

  @Test
  void usersListenMostlyInTheirEvening() {
    Function<ObjectNode, String> continent = e -> e.get("geo").get("tz").asText().split("/")[0];
    Map<String, Long> europeanEvening = countListenStarts(42, EVENING_IN_EUROPE, continent);
    Map<String, Long> americanEvening =
        countListenStarts(
            42, Clock.fixed(Instant.parse("2026-11-27T02:30:00Z"), ZoneOffset.UTC), continent);
    assertThat(share(europeanEvening, "Europe"))
        .isGreaterThan(1.5 * share(americanEvening, "Europe"));
    assertThat(share(americanEvening, "America"))
        .isGreaterThan(1.2 * share(europeanEvening, "America"));
  }

  private static double share(Map<String, Long> counts, String key) {
    return (double) counts.getOrDefault(key, 0L)
        / counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> countListenStarts(
      long seed, Clock clock, Function<ObjectNode, String> key) {
    EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(seed), clock);
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      ObjectNode event = generator.next();
      if (event.get("event_type").asText().equals("listen_start")) {
        counts.merge(key.apply(event), 1L, Long::sum);
      }
    }
    return counts;
  }

  @Test
  void everyEventTypeAppears() {
    EventGenerator generator = new EventGenerator(SimulatorConfig.defaults(), EVENING_IN_EUROPE);
    Map<String, Long> types =
        java.util.stream.Stream.generate(generator::next)
            .limit(20_000)
            .collect(
                Collectors.groupingBy(e -> e.get("event_type").asText(), Collectors.counting()));
    assertThat(types.keySet())
        .containsExactlyInAnyOrderElementsOf(
            java.util.Arrays.stream(EventType.values()).map(EventType::wireName).toList());
  }
}
