package io.tributary.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeliveriesTest {
  private static final Payload PAYLOAD =
      new Payload(
          "flash",
          "2026-12-04",
          "Flash",
          Optional.empty(),
          "<p/>",
          "<p/>",
          List.of(),
          Optional.of(new byte[0]),
          Map.of());
  private static final ReportSpec.Target HOOK =
      new ReportSpec.Webhook(java.net.URI.create("http://127.0.0.1:1/hook"));

  @Test
  void backsOffExponentiallyUpToTheMax() {
    Backoff backoff = new Backoff(6, Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertThat(List.of(1, 2, 3, 4, 5).stream().map(backoff::delayAfter))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
  }

  @Test
  void retriesUntilDeliveredWaitingBetweenTries() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    AtomicInteger tries = new AtomicInteger();
    Deliveries deliveries =
        new Deliveries(
            (target, payload) -> {
              if (tries.incrementAndGet() < 3) {
                throw new IOException("Webhook answered 500");
              }
              return Optional.empty();
            },
            new Backoff(4, Duration.ofMillis(100), Duration.ofSeconds(1)),
            waits::add);
    DeliveryOutcome outcome = deliveries.deliver(HOOK, PAYLOAD);
    assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.DELIVERED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void givesUpAfterTheAttemptsWithTheLastError() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    AtomicInteger tries = new AtomicInteger();
    Deliveries deliveries =
        new Deliveries(
            (target, payload) -> {
              throw new IOException("Connection refused #" + tries.incrementAndGet());
            },
            new Backoff(3, Duration.ofMillis(100), Duration.ofSeconds(1)),
            waits::add);
    DeliveryOutcome outcome = deliveries.deliver(HOOK, PAYLOAD);
    assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.FAILED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(outcome.error()).contains("IOException: Connection refused #3");
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }
}
