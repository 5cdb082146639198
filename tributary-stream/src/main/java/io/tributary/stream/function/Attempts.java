package io.tributary.stream.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.FunctionSpec;
import io.tributary.spi.PermanentFailureException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Attempts one message until it succeeds, fails permanently or runs out of {@code retry.attempts},
 * waiting between attempts with exponential back-off and jitter (half the ceiling plus up to half
 * again, drawn from the injected randomness). What still fails becomes a dead letter.
 */
final class Attempts {
  private final FunctionSpec spec;
  private final Handler handler;
  private final Clock clock;
  private final RandomGenerator jitter;
  private final FunctionMetrics metrics;
  private final DeadLetters deadLetters;
  private final BooleanSupplier running;

  Attempts(
      FunctionSpec spec,
      Handler handler,
      Clock clock,
      RandomGenerator jitter,
      FunctionMetrics metrics,
      DeadLetters deadLetters,
      BooleanSupplier running) {
    this.spec = spec;
    this.handler = handler;
    this.clock = clock;
    this.jitter = jitter;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.running = running;
  }

  /**
   * @throws InterruptedException when the function stops meanwhile
   */
  Outcome handle(ConsumerRecord<byte[], byte[]> record, ObjectNode message, byte[] key)
      throws InterruptedException {
    Instant first = clock.instant();
    int attempts = spec.retry().attempts();
    for (int attempt = 1; ; attempt++) {
      if (!running.getAsBoolean()) {
        throw new InterruptedException("function stopping");
      }
      String code;
      String reason;
      try {
        return new Outcome(handler.handle(message, attempt), null, key);
      } catch (InterruptedException e) {
        throw e;
      } catch (PermanentFailureException e) {
        return new Outcome(
            List.of(),
            deadLetters.letter(record, e.code(), e.getMessage(), attempt, first, clock.instant()),
            key);
      } catch (RetriableFailureException e) {
        code = e.code();
        reason = e.getMessage();
      } catch (Exception e) {
        code = "function_error";
        reason = e.toString();
      }
      metrics.lastError(reason);
      if (attempt >= attempts) {
        return new Outcome(
            List.of(),
            deadLetters.letter(
                record,
                code,
                reason + " (gave up after " + attempt + " attempts)",
                attempt,
                first,
                clock.instant()),
            key);
      }
      metrics.retried();
      TimeUnit.MILLISECONDS.sleep(backOff(attempt));
    }
  }

  /** The wait after failed attempt {@code attempt}: half its ceiling plus up to half again. */
  long backOff(int attempt) {
    long ceiling = spec.retry().ceiling(attempt).toMillis();
    if (ceiling <= 1) {
      return ceiling / 2;
    }
    double draw;
    synchronized (jitter) {
      draw = jitter.nextDouble();
    }
    return ceiling / 2 + (long) (draw * (ceiling / 2.0));
  }
}
