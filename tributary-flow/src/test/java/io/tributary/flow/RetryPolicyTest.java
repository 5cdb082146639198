package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void backOffDoublesWithJitterUpToTheMaximum() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(30));
    Random random = new Random(42);
    for (int failed = 1; failed <= 9; failed++) {
      long computed = Math.min(30_000, 1000L << (failed - 1));
      for (int i = 0; i < 50; i++) {
        long wait = policy.backoff(failed, random).toMillis();
        assertThat(wait).isBetween(computed / 2, computed);
      }
    }
    assertThat(policy.backoff(1000, random)).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("Invalid attempts: 0");
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofMinutes(2), Duration.ofMinutes(1)))
        .hasMessageContaining("delay <= max-delay");
  }
}
