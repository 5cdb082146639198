package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void anOddNumberOfRoundsHasTheMiddleOneAsMedian() {
    Spread spread = Spread.whole(41_560.4, 37_477.2, 41_373.0);

    assertThat(spread).isEqualTo(new Spread(41_373L, 37_477L, 41_560L));
    assertThat(spread).hasToString("41373 (37477–41560)");
  }

  @Test
  void anEvenNumberOfRoundsAveragesTheMiddleTwo() {
    assertThat(Spread.twoDecimals(0.3, 0.5, 0.4, 0.2).median()).isEqualTo(0.35);
  }

  @Test
  void oneRoundPrintsAsItsValue() {
    assertThat(Spread.twoDecimals(2.514)).hasToString("2.51");
  }

  @Test
  void theMedianLiesWithinTheSpread() {
    Spread spread = Spread.twoDecimals(9.35, 11.354, 8.8);

    assertThat(spread).isEqualTo(new Spread(9.35, 8.8, 11.35));
  }

  @Test
  void noRoundsIsRefused() {
    assertThatThrownBy(Spread::whole).hasMessageContaining("at least one round");
  }
}
