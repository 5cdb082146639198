package io.tributary.stream.function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.core.config.FunctionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one running function counts, counted once, in Micrometer: the status the API shows reads the
 * same counters {@code /metrics} exports. Removes its meters on close, so a restarted function
 * counts from zero.
 */
final class FunctionMetrics implements AutoCloseable {
  private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter processed;
  private final Counter emitted;
  private final Counter filtered;
  private final Counter retries;
  private final Counter deadLetters;
  private final Timer batchLatency;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile double throughput;
  private long windowStartMillis;
  private double windowStartProcessed;

  FunctionMetrics(FunctionSpec spec, MeterRegistry registry, long nowMillis) {
    this.registry = registry;
    Tags tags = Tags.of("function", spec.name(), "topic", spec.topic());
    processed = register(Counter.builder("tributary.function.processed").tags(tags));
    emitted = register(Counter.builder("tributary.function.emitted").tags(tags));
    filtered = register(Counter.builder("tributary.function.filtered").tags(tags));
    retries = register(Counter.builder("tributary.function.retries").tags(tags));
    deadLetters = register(Counter.builder("tributary.function.dead.letters").tags(tags));
    batchLatency =
        Timer.builder("tributary.function.batch.latency")
            .tags(tags)
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    meters.add(batchLatency);
    meters.add(
        Gauge.builder("tributary.function.lag", lag, AtomicLong::get)
            .tags(tags)
            .register(registry));
    windowStartMillis = nowMillis;
  }

  private Counter register(Counter.Builder builder) {
    Counter counter = builder.register(registry);
    meters.add(counter);
    return counter;
  }

  /** A batch was committed: what became of its messages, and how long it took from its poll. */
  void committed(Outcome[] outcomes, long batchNanos) {
    long emits = 0;
    long drops = 0;
    long dead = 0;
    for (Outcome outcome : outcomes) {
      emits += outcome.emits().size();
      if (outcome.deadLetter() != null) {
        dead++;
      } else if (outcome.emits().isEmpty()) {
        drops++;
      }
    }
    processed.increment(outcomes.length);
    emitted.increment(emits);
    filtered.increment(drops);
    deadLetters.increment(dead);
    batchLatency.record(batchNanos, TimeUnit.NANOSECONDS);
  }

  void retried() {
    retries.increment();
  }

  void lag(long messages) {
    lag.set(messages);
  }

  void lastError(String error) {
    lastError.set(error);
  }

  /** Updates the throughput once a window has passed. Called from the function's thread. */
  void tick(long nowMillis) {
    long elapsed = nowMillis - windowStartMillis;
    if (elapsed >= THROUGHPUT_WINDOW.toMillis()) {
      double count = processed.count();
      throughput = (count - windowStartProcessed) * 1000.0 / elapsed;
      windowStartMillis = nowMillis;
      windowStartProcessed = count;
    }
  }

  long processed() {
    return (long) processed.count();
  }

  long emitted() {
    return (long) emitted.count();
  }

  long filtered() {
    return (long) filtered.count();
  }

  long retries() {
    return (long) retries.count();
  }

  long deadLetters() {
    return (long) deadLetters.count();
  }

  long lag() {
    return lag.get();
  }

  /** Messages per second over the last window, to one decimal. */
  double throughput() {
    return Math.round(throughput * 10) / 10.0;
  }

  String lastError() {
    return lastError.get();
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
