package io.tributary.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.Flattener;
import io.tributary.lake.Lake;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivery of every stream into the lake: one {@link StreamDelivery} (consumer, buffer, committer)
 * per stream, started and stopped as streams are declared, changed and deleted. Closing flushes
 * every buffer.
 */
public final class DeliveryService implements StreamRegistry.Listener, AutoCloseable {
  private final Lake lake;
  private final StreamLog log;
  private final Flattener.Limits limits;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, StreamDelivery> running = new ConcurrentHashMap<>();

  /**
   * @param limits what one record may hold; a record beyond them goes to the error table
   */
  public DeliveryService(
      Lake lake, StreamLog log, Flattener.Limits limits, MeterRegistry meters, Clock clock) {
    this.lake = lake;
    this.log = log;
    this.limits = limits;
    this.meters = meters;
    this.clock = clock;
  }

  @Override
  public synchronized void streamPut(StreamSpec spec) {
    StreamDelivery current = running.get(spec.name());
    if (current != null && current.spec().equals(spec)) {
      return;
    }
    stop(spec.name());
    StreamDelivery delivery = new StreamDelivery(spec, lake, log, limits, meters, clock);
    running.put(spec.name(), delivery);
    delivery.start();
  }

  @Override
  public synchronized void streamDeleted(String name) {
    stop(name);
  }

  private void stop(String name) {
    StreamDelivery delivery = running.remove(name);
    if (delivery != null) {
      delivery.close();
    }
  }

  /** The delivery status of a stream, if it is being delivered. */
  public Optional<DeliveryStatus> status(String stream) {
    return Optional.ofNullable(running.get(stream)).map(StreamDelivery::status);
  }

  public List<DeliveryStatus> statuses() {
    return running.values().stream().map(StreamDelivery::status).toList();
  }

  /** The partitions of each stream's topic this node delivers now (the consumer group's split). */
  public Map<String, List<Integer>> ownedPartitions() {
    Map<String, List<Integer>> owned = new TreeMap<>();
    running.forEach((name, delivery) -> owned.put(name, delivery.ownedPartitions()));
    return owned;
  }

  /** Stops every stream's delivery, flushing its buffer first. */
  @Override
  public synchronized void close() {
    List.copyOf(running.keySet()).forEach(this::stop);
  }
}
