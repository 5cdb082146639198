package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RepeatedStringsTest {
  private static String of(RepeatedStrings strings, String value) {
    // the value in the middle of a larger buffer, as a parser holds it
    char[] chars = ("<<" + value + ">>").toCharArray();
    return strings.of(chars, 2, value.length());
  }

  @Test
  void givesTheSameInstanceForAValueMetAgain() {
    RepeatedStrings strings = new RepeatedStrings();
    String first = of(strings, "Austin");
    assertThat(of(strings, "Chicago")).isEqualTo("Chicago");
    assertThat(of(strings, "Austin")).isSameAs(first);
    assertThat(of(strings, "")).isEmpty();
    assertThat(of(strings, "Åre ✓")).isEqualTo("Åre ✓");
  }

  @Test
  void stopsCachingValuesThatRarelyRepeat() {
    RepeatedStrings strings = new RepeatedStrings();
    for (int i = 0; i < RepeatedStrings.TRIAL; i++) {
      assertThat(of(strings, "id-" + i)).isEqualTo("id-" + i);
    }
    assertThat(strings.isOff()).isTrue();
    assertThat(of(strings, "id-1")).isEqualTo("id-1");
  }

  @Test
  void keepsCachingValuesThatRepeat() {
    RepeatedStrings strings = new RepeatedStrings();
    for (int i = 0; i < 3 * RepeatedStrings.TRIAL; i++) {
      of(strings, "os-" + i % 5);
    }
    assertThat(strings.isOff()).isFalse();
    String longValue = "x".repeat(RepeatedStrings.MAX_LENGTH + 1);
    assertThat(of(strings, longValue)).isEqualTo(longValue).isNotSameAs(of(strings, longValue));
  }

  /** Whatever the values and their repetition, each lookup gives a string equal to its chars. */
  @Property(seed = "20261206", tries = 200)
  void alwaysGivesTheValue(
      @ForAll @IntRange(min = 1, max = 200) int distinct, @ForAll @IntRange(max = 1000) int seed) {
    Random random = new Random(seed);
    RepeatedStrings strings = new RepeatedStrings();
    for (int i = 0; i < 2_000; i++) {
      int n = random.nextInt(distinct);
      String value = random.nextBoolean() ? "v" + n : "\u00e9\u4e2d" + n + "\ud83d\ude00";
      assertThat(of(strings, value)).isEqualTo(value);
    }
  }
}
