package io.tributary.amp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AppExperimentTest {
  private static final Clock EVENING =
      Clock.fixed(Instant.parse("2026-11-26T19:00:00Z"), ZoneOffset.UTC);

  @Test
  void bucketingIsThePlatformsSha256Bucketing() {
    // the values io.tributary.spi.Assignments.bucket gives for salt recommended_shows
    assertThat(AppExperiment.bucket("recommended_shows", "u_000001"))
        .isEqualTo(0.36469556970359307);
    assertThat(AppExperiment.bucket("recommended_shows", "u_000002"))
        .isEqualTo(0.10412967874711843);
    assertThat(AppExperiment.bucket("recommended_shows", "u123")).isEqualTo(0.4162282923172306);
    assertThat(AppExperiment.recommendedShows().variant("u123")).isEqualTo("control");
  }

  @Test
  void usersAreExposedOnceWithTheirVariantAndTreatedUsersFollowAndLikeMore() {
    AppExperiment experiment = new AppExperiment(AppExperiment.NAME, 0.5);
    EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(3), EVENING, experiment);
    Set<String> exposed = new HashSet<>();
    Map<String, Integer> actions = new HashMap<>();
    Map<String, Integer> users = new HashMap<>();
    Stream.generate(generator::next)
        .limit(120_000)
        .forEach(
            event -> {
              String user = event.get("user_id").asText();
              String type = event.get("event_type").asText();
              if (type.equals("experiment_exposure")) {
                assertThat(exposed.add(user)).isTrue();
                assertThat(event.get("variant").asText()).isEqualTo(experiment.variant(user));
                users.merge(event.get("variant").asText(), 1, Integer::sum);
              } else if ((type.equals("follow") || type.equals("like")) && exposed.contains(user)) {
                actions.merge(experiment.variant(user), 1, Integer::sum);
              }
            });
    assertThat(users.get("control") / (double) exposed.size()).isCloseTo(0.5, within(0.05));
    double control = actions.get("control") / (double) users.get("control");
    double treated = actions.get("recommended") / (double) users.get("recommended");
    assertThat(treated / control).isCloseTo(1.5, within(0.15));
  }

  @Test
  void withoutAnExperimentNothingChanges() {
    EventGenerator plain = new EventGenerator(SimulatorConfig.withSeed(3), EVENING);
    EventGenerator none =
        new EventGenerator(SimulatorConfig.withSeed(3), EVENING, AppExperiment.NONE);
    for (int i = 0; i < 5000; i++) {
      ObjectNode a = plain.next();
      assertThat(none.next()).isEqualTo(a);
      assertThat(a.get("event_type").asText()).isNotEqualTo("experiment_exposure");
    }
  }
}
