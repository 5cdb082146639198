package io.tributary.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.ReportsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  @Test
  void aReportsOwnRetryIsUsed() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    Deliveries deliveries =
        new Deliveries(
            (target, payload) -> {
              throw new IOException("Webhook answered 503");
            },
            Backoff.DEFAULT,
            waits::add);
    DeliveryOutcome outcome =
        deliveries
            .deliver(
                List.of(HOOK),
                PAYLOAD,
                Optional.of(new Backoff(3, Duration.ofMillis(50), Duration.ofMillis(60))))
            .get(0);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(60));
  }

  @Test
  void theEgressPolicyIsCheckedAtEachDeliveryAndARefusalIsNotRetried() throws InterruptedException {
    // allowed by name at load, but the name resolves to a loopback address at delivery
    EgressPolicy egress =
        new EgressPolicy(
            List.of(
                EgressPolicy.HostRule.parse("hooks.example.com"),
                EgressPolicy.HostRule.parse("mail.example.com:25")),
            Map.of(),
            Set.of());
    EgressPolicy.Resolver rebound = host -> new InetAddress[] {InetAddress.getLoopbackAddress()};
    ReportsConfig config =
        new ReportsConfig(
            Path.of("/nonexistent/definitions"),
            Path.of("/nonexistent"),
            Optional.of(
                new ReportsConfig.Smtp(
                    "mail.example.com",
                    25,
                    Optional.empty(),
                    Optional.empty(),
                    "reports@example.com",
                    false)));
    List<Duration> waits = new ArrayList<>();
    Deliveries deliveries =
        new Deliveries(
            new Deliveries.Senders(config, text -> text, egress, rebound, Clock.systemUTC()),
            new Backoff(4, Duration.ofMillis(10), Duration.ofMillis(10)),
            waits::add);
    DeliveryOutcome hook =
        deliveries.deliver(
            new ReportSpec.Webhook(URI.create("http://hooks.example.com/flash")), PAYLOAD);
    assertThat(hook.status()).isEqualTo(DeliveryOutcome.Status.FAILED);
    assertThat(hook.attempts()).isEqualTo(1);
    assertThat(hook.error())
        .hasValueSatisfying(
            error ->
                assertThat(error)
                    .contains("http://hooks.example.com/flash")
                    .contains("loopback address")
                    .contains("egress_special_address"));
    DeliveryOutcome mail =
        deliveries.deliver(
            new ReportSpec.Email(List.of("ops@example.com"), Optional.empty()), PAYLOAD);
    assertThat(mail.attempts()).isEqualTo(1);
    assertThat(mail.error())
        .hasValueSatisfying(
            error ->
                assertThat(error)
                    .contains("SMTP server mail.example.com:25")
                    .contains("egress_special_address"));
    DeliveryOutcome elsewhere =
        deliveries.deliver(
            new ReportSpec.Webhook(URI.create("http://other.example.com/flash")), PAYLOAD);
    assertThat(elsewhere.error())
        .hasValueSatisfying(error -> assertThat(error).contains("egress_not_allowed"));
    assertThat(waits).isEmpty();
  }
}
