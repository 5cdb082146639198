package io.tributary.stream.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.spi.PermanentFailureException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Retries, back-off, dead letters and their counts, with a fake handler and seeded jitter. */
class AttemptsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FunctionSpec SPEC =
      TributaryConfig.fromYaml(
              """
              topics: [{name: t}]
              functions:
                - name: f
                  topic: t
                  type: filter
                  where: "a exists"
                  emit-to: s
                  retry: {attempts: 3, initial-delay: 1ms, max-delay: 4ms}
              """,
              "test")
          .functions()
          .get(0);
  private static final ConsumerRecord<byte[], byte[]> RECORD =
      new ConsumerRecord<>("t", 0, 7, null, "{\"a\":1}".getBytes());

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FunctionMetrics metrics = new FunctionMetrics(SPEC, registry, CLOCK.millis());

  private Attempts attempts(Handler handler, long seed) {
    return new Attempts(
        SPEC, handler, CLOCK, new Random(seed), metrics, new DeadLetters("f"), () -> true);
  }

  @Test
  void retriesUntilSuccessAndCountsEachRetryOnceInMicrometer() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Handler flaky =
        (message, attempt) -> {
          if (calls.incrementAndGet() < 3) {
            throw new RetriableFailureException("timeout", "slow", null);
          }
          return List.of(new Handler.Emit("s", message));
        };
    Outcome outcome = attempts(flaky, 1).handle(RECORD, message(), null);
    assertThat(outcome.emits()).hasSize(1);
    assertThat(outcome.deadLetter()).isNull();
    assertThat(metrics.retries()).isEqualTo(2);
    assertThat(registry.get("tributary.function.retries").counter().count()).isEqualTo(2.0);
    assertThat(metrics.lastError()).isEqualTo("slow");
  }

  @Test
  void givesUpAfterTheLastAttemptOrAtOnceOnAPermanentFailure() throws Exception {
    Outcome exhausted =
        attempts(
                (message, attempt) -> {
                  throw new IllegalStateException("boom " + attempt);
                },
                1)
            .handle(RECORD, message(), null);
    assertThat(exhausted.deadLetter().path("error_code").asText()).isEqualTo("function_error");
    assertThat(exhausted.deadLetter().path("attempts").asInt()).isEqualTo(3);
    assertThat(exhausted.deadLetter().path("error").asText()).contains("gave up after 3 attempts");
    assertThat(exhausted.deadLetter().path("offset").asLong()).isEqualTo(7);

    Outcome permanent =
        attempts(
                (message, attempt) -> {
                  throw new PermanentFailureException("http_404", "no such show");
                },
                1)
            .handle(RECORD, message(), null);
    assertThat(permanent.deadLetter().path("error_code").asText()).isEqualTo("http_404");
    assertThat(permanent.deadLetter().path("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void backOffIsHalfTheCeilingPlusSeededJitter() {
    Handler none = (message, attempt) -> List.of();
    List<Long> first = new ArrayList<>();
    List<Long> again = new ArrayList<>();
    Attempts a = attempts(none, 42);
    Attempts b = attempts(none, 42);
    for (int attempt = 1; attempt <= 3; attempt++) {
      long ceiling = SPEC.retry().ceiling(attempt).toMillis();
      long wait = a.backOff(attempt);
      assertThat(wait).isBetween(ceiling / 2, ceiling);
      first.add(wait);
      again.add(b.backOff(attempt));
    }
    assertThat(again).as("same seed, same waits").isEqualTo(first);
  }

  private static ObjectNode message() {
    return JSON.createObjectNode().put("a", 1);
  }
}
