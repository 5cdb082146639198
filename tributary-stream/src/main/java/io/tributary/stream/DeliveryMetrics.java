package io.tributary.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.core.ComponentState;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.AppendResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The meters and the status of one stream's delivery: written by the delivery thread, read by any.
 * Closing removes the meters from the registry.
 */
final class DeliveryMetrics implements AutoCloseable {
  private final StreamSpec spec;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter delivered;
  private final Counter errored;
  private final Counter files;
  private final Counter bytes;
  private final Timer commitLatency;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicReference<Instant> lastCommitAt = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile ComponentState state = ComponentState.STARTING;

  DeliveryMetrics(StreamSpec spec, MeterRegistry registry) {
    this.spec = spec;
    this.registry = registry;
    Tags tags = Tags.of("stream", spec.name(), "table", spec.table().toString());
    delivered =
        register(Counter.builder("tributary.records.delivered").tags(tags).register(registry));
    errored = register(Counter.builder("tributary.records.errored").tags(tags).register(registry));
    files =
        register(Counter.builder("tributary.delivery.files.written").tags(tags).register(registry));
    bytes =
        register(
            Counter.builder("tributary.delivery.bytes.written")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry));
    commitLatency =
        register(
            Timer.builder("tributary.delivery.commit.latency")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry));
    register(
        Gauge.builder("tributary.delivery.lag", lag, AtomicLong::get)
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("tributary.delivery.buffered", buffered, AtomicLong::get)
            .tags(tags)
            .register(registry));
  }

  private <T extends Meter> T register(T meter) {
    meters.add(meter);
    return meter;
  }

  void state(ComponentState state) {
    this.state = state;
  }

  void failed(String reason) {
    lastError.set(reason);
    state = ComponentState.FAILED;
  }

  void error(String reason) {
    lastError.set(reason);
  }

  void lag(long records) {
    lag.set(records);
  }

  void buffered(long records) {
    buffered.set(records);
  }

  void delivered(int rows) {
    delivered.increment(rows);
  }

  void errored(int rows) {
    errored.increment(rows);
  }

  void committed(AppendResult result, Instant at) {
    commitLatency.record(result.commitLatency());
    files.increment(result.files());
    bytes.increment(result.bytes());
    commits.incrementAndGet();
    lastCommitAt.set(at);
    lastError.set(null);
  }

  DeliveryStatus status() {
    return new DeliveryStatus(
        spec.name(),
        spec.table().toString(),
        state,
        (long) delivered.count(),
        (long) errored.count(),
        buffered.get(),
        lag.get(),
        commits.get(),
        lastCommitAt.get(),
        lastError.get());
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
