package io.tributary.amp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class EventGeneratorPropertiesTest {
  private static final Pattern UUID_V4 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private static final Pattern TS =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  private static final Set<String> EVENT_TYPES =
      Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toSet());

  @Property(tries = 8, seed = "20261126")
  void everyEventIsWellFormedAndUnique(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 300) int shows,
      @ForAll @IntRange(min = 1, max = 999) int creators,
      @ForAll @IntRange(min = 0, max = 20_000) int extraUsers,
      @ForAll @IntRange(min = 0, max = 23) int hour) {
    int creatorCount = 1 + creators % shows;
    SimulatorConfig config =
        new SimulatorConfig(seed, shows, creatorCount, creatorCount + extraUsers);
    Clock clock =
        Clock.fixed(
            Instant.parse("2026-11-26T00:00:00Z").plusSeconds(hour * 3600L), ZoneOffset.UTC);
    EventGenerator generator = new EventGenerator(config, clock);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ObjectNode event = generator.next();
      assertWellFormed(event, config);
      assertThat(ids.add(event.get("event_id").asText()))
          .as("unique event_id of %s", event)
          .isTrue();
    }
  }

  @Property(tries = 5, seed = "42")
  void sameSeedAndClockGiveTheSameEvents(@ForAll long seed) {
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T07:42:00.123Z"), ZoneOffset.UTC);
    EventGenerator first = new EventGenerator(SimulatorConfig.withSeed(seed), clock);
    EventGenerator second = new EventGenerator(SimulatorConfig.withSeed(seed), clock);
    assertThat(first.shows()).isEqualTo(second.shows());
    for (int i = 0; i < 3_000; i++) {
      assertThat(first.next()).isEqualTo(second.next());
    }
  }

  @Property(tries = 5, seed = "7")
  void listenersComeAndGoInSessions(@ForAll long seed) {
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T20:00:00Z"), ZoneOffset.UTC);
    EventGenerator generator = new EventGenerator(new SimulatorConfig(seed, 50, 10, 2_000), clock);
    Map<String, List<JsonNode>> sessions = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      ObjectNode event = generator.next();
      String type = event.get("event_type").asText();
      if (!type.equals("live_listen_count") && !type.equals("notification_open")) {
        sessions
            .computeIfAbsent(event.get("session_id").asText(), id -> new ArrayList<>())
            .add(event);
      }
    }
    for (List<JsonNode> session : sessions.values()) {
      JsonNode start = session.get(0);
      assertThat(start.get("event_type").asText()).isEqualTo("listen_start");
      for (int i = 1; i < session.size(); i++) {
        JsonNode event = session.get(i);
        String type = event.get("event_type").asText();
        boolean sameListener =
            event.get("user_id").equals(start.get("user_id"))
                && event.get("show_id").equals(start.get("show_id"));
        boolean endsLast = !type.equals("listen_end") || i == session.size() - 1;
        if (type.equals("listen_start") || !sameListener || !endsLast) {
          throw new AssertionError("Session out of order at " + i + ": " + session);
        }
        if (type.equals("listen_end")) {
          assertThat(event.get("listen_ms").asLong()).isBetween(5_000L, 4 * 3_600_000L);
        }
      }
    }
  }

  @Property(tries = 5, seed = "13")
  void notificationOpensFollowAShowGoingLiveAndSomeLeadToAListen(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 23) int hour) {
    Clock clock =
        Clock.fixed(
            Instant.parse("2026-11-26T00:00:00Z").plusSeconds(hour * 3600L), ZoneOffset.UTC);
    EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(seed), clock);
    Set<String> liveShows = new HashSet<>();
    Map<String, String> openedShowByUser = new HashMap<>();
    long opens = 0;
    long listens = 0;
    long converted = 0;
    for (int i = 0; i < 20_000; i++) {
      ObjectNode event = generator.next();
      String type = event.get("event_type").asText();
      String user = event.get("user_id").asText();
      String show = event.get("show_id").asText();
      if (type.equals("listen_start")) {
        listens++;
        liveShows.add(show);
        if (show.equals(openedShowByUser.remove(user))) {
          converted++;
        }
      } else if (type.equals("notification_open")) {
        opens++;
        assertThat(liveShows).as("a notification of a live show: %s", event).contains(show);
        assertThat(user)
            .as("the host is not notified of their own show")
            .isNotEqualTo(
                Ids.user(Integer.parseInt(event.get("creator_id").asText().substring(8))));
        openedShowByUser.put(user, show);
      }
    }
    assertThat(opens).as("notification opens").isPositive().isLessThan(listens / 2);
    assertThat(converted).as("opens followed by a listen to the show").isBetween(1L, opens - 1);
  }

  /** Asserts the event has every common and type-specific field, in the expected shape. */
  static void assertWellFormed(JsonNode event, SimulatorConfig config) {
    List<String> problems = new ArrayList<>();
    String type = text(event, "event_type");
    check(problems, EVENT_TYPES.contains(type), "event_type");
    check(problems, UUID_V4.matcher(text(event, "event_id")).matches(), "event_id");
    check(problems, TS.matcher(text(event, "ts")).matches(), "ts");
    check(problems, parses(() -> Instant.parse(text(event, "ts"))), "ts parses");
    check(problems, inRange(text(event, "user_id"), "u_", 6, config.users()), "user_id");
    check(problems, !text(event, "session_id").isBlank(), "session_id");
    check(problems, inRange(text(event, "show_id"), "show_", 4, config.shows()), "show_id");
    check(
        problems,
        inRange(text(event, "creator_id"), "creator_", 3, config.creators()),
        "creator_id");
    JsonNode device = event.path("device");
    check(problems, Set.of("ios", "android", "web").contains(text(device, "os")), "device.os");
    check(problems, !text(device, "os_version").isBlank(), "device.os_version");
    check(
        problems, text(device, "app_version").matches("\\d+\\.\\d+\\.\\d+"), "device.app_version");
    check(problems, !text(device, "model").isBlank(), "device.model");
    JsonNode geo = event.path("geo");
    check(problems, text(geo, "country").matches("[A-Z]{2}"), "geo.country");
    check(problems, !text(geo, "region").isBlank() && !text(geo, "city").isBlank(), "geo place");
    check(problems, parses(() -> ZoneId.of(text(geo, "tz"))), "geo.tz");
    switch (type) {
      case "listen_end" -> check(problems, event.path("listen_ms").asLong() > 0, "listen_ms");
      case "chat_message" -> {
        int length = event.path("message_length").asInt();
        check(problems, length >= 1 && length <= 500, "message_length");
        check(problems, event.path("has_emoji").isBoolean(), "has_emoji");
      }
      case "poll_vote" -> {
        check(problems, text(event, "poll_id").startsWith("poll_"), "poll_id");
        check(problems, Set.of("A", "B", "C", "D").contains(text(event, "option")), "option");
      }
      case "call_in_request" -> check(problems, event.path("accepted").isBoolean(), "accepted");
      case "notification_opt_in", "notification_open" ->
          check(
              problems, Set.of("push", "email", "sms").contains(text(event, "channel")), "channel");
      case "playback_metrics" -> {
        JsonNode playback = event.path("playback");
        check(problems, playback.path("bitrate_kbps").asInt() > 0, "bitrate_kbps");
        check(problems, playback.path("buffer_ms").isIntegralNumber(), "buffer_ms");
        check(problems, playback.path("buffer_ms").asLong() >= 0, "buffer_ms");
        check(problems, playback.path("dropped_frames").asInt(-1) >= 0, "dropped_frames");
        check(problems, playback.path("latency_ms").asInt() > 0, "latency_ms");
      }
      case "live_listen_count" -> check(problems, event.path("listeners").asInt() > 0, "listeners");
      default -> check(problems, Set.of("listen_start", "like", "follow").contains(type), type);
    }
    assertThat(problems).as("wrong fields in %s", event).isEmpty();
  }

  private static String text(JsonNode node, String field) {
    return node.path(field).isTextual() ? node.get(field).asText() : "";
  }

  private static boolean inRange(String id, String prefix, int digits, int max) {
    if (!id.startsWith(prefix) || id.length() != prefix.length() + digits) {
      return false;
    }
    int number = Integer.parseInt(id.substring(prefix.length()));
    return number >= 1 && number <= max;
  }

  private static boolean parses(Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void check(List<String> problems, boolean ok, String field) {
    if (!ok) {
      problems.add(field);
    }
  }
}
