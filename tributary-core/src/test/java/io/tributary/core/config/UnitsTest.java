package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class UnitsTest {

  @Test
  void parsesSizesAndDurations() {
    assertThat(Units.parseSize("64MiB")).isEqualTo(64L << 20);
    assertThat(Units.parseSize("1000KiB")).isEqualTo(1_024_000);
    assertThat(Units.parseSize("4MB")).isEqualTo(4_000_000);
    assertThat(Units.parseSize("512")).isEqualTo(512);
    assertThat(Units.parseSize("1 gib")).isEqualTo(1L << 30);
    assertThat(Units.parseDuration("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Units.parseDuration("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(Units.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> Units.parseDuration("60"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Units.parseSize("-1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(seed = "20261126")
  void sizesRoundTrip(@ForAll @LongRange(min = 0, max = 1L << 40) long bytes) {
    assertThat(Units.parseSize(Units.formatSize(bytes))).isEqualTo(bytes);
  }

  @Property(seed = "20261126")
  void durationsRoundTrip(@ForAll @LongRange(min = 0, max = 100_000_000) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Units.parseDuration(Units.formatDuration(d))).isEqualTo(d);
  }

  @Property(seed = "20261126")
  void garbageNeverParsesSilentlyWrong(@ForAll @StringLength(max = 12) String text) {
    try {
      assertThat(Units.parseSize(text)).isNotNegative();
    } catch (IllegalArgumentException | ArithmeticException expected) {
      // a clear rejection is the other acceptable outcome
    }
    try {
      assertThat(Units.parseDuration(text).isNegative()).isFalse();
    } catch (IllegalArgumentException | ArithmeticException expected) {
      // a clear rejection is the other acceptable outcome
    }
  }
}
