package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsTest {
  @Test
  void thePhasesAlternateRoundByRound() throws Exception {
    List<String> order = new ArrayList<>();

    Rounds.alternate(
        3,
        round -> {
          order.add("A" + round);
          return 1;
        },
        round -> {
          order.add("B" + round);
          return 1;
        });

    assertThat(order).containsExactly("A1", "B1", "A2", "B2", "A3", "B3");
  }

  @Test
  void theRatioIsTakenWithinEachRound() throws Exception {
    double[] a = {10, 40, 30};
    double[] b = {20, 40, 100};

    Rounds rounds = Rounds.alternate(3, round -> a[round - 1], round -> b[round - 1]);

    assertThat(rounds.a()).isEqualTo(new Spread(30L, 10L, 40L));
    assertThat(rounds.b()).isEqualTo(new Spread(40L, 20L, 100L));
    assertThat(rounds.ratio()).isEqualTo(new Spread(0.5, 0.3, 1.0));
  }

  @Test
  void noRoundsIsRefused() {
    assertThatThrownBy(() -> Rounds.alternate(0, round -> 1, round -> 1))
        .hasMessageContaining("--rounds must be at least 1, not 0");
  }
}
