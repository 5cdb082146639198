package io.tributary.core.config;

/**
 * How a stream's Kafka topic is replicated: {@code replication-factor} copies of each partition,
 * and {@code min-insync-replicas} of them that must hold a record before it is acknowledged. 0
 * means the cluster's default: 3 and 2 when the cluster has at least 3 brokers, else the broker
 * count and 1; a factor set alone gets 2 in sync when it is at least 3, else 1.
 *
 * @param factor copies of each partition, 1..{@value #MAX_FACTOR}, or 0 for the default
 * @param minInsyncReplicas copies that must acknowledge a write, 1..factor, or 0 for the default
 */
public record Replication(int factor, int minInsyncReplicas) {
  public static final int MAX_FACTOR = 32;

  /** The cluster's defaults for both. */
  public static final Replication DEFAULT = new Replication(0, 0);

  public Replication {
    if (factor < 0 || factor > MAX_FACTOR) {
      throw ConfigException.invalid("replication-factor", factor, "must be 1.." + MAX_FACTOR);
    }
    if (minInsyncReplicas < 0 || minInsyncReplicas > MAX_FACTOR) {
      throw ConfigException.invalid(
          "min-insync-replicas", minInsyncReplicas, "must be 1.." + MAX_FACTOR);
    }
    if (factor > 0 && minInsyncReplicas > factor) {
      throw ConfigException.invalid(
          "min-insync-replicas", minInsyncReplicas, "must not exceed replication-factor " + factor);
    }
  }

  /**
   * The replication a topic gets on a cluster of {@code brokers} brokers: what is set, the defaults
   * for the rest.
   */
  public Replication resolve(int brokers) {
    int resolvedFactor = factor > 0 ? factor : Math.max(1, Math.min(3, brokers));
    int resolvedMin = minInsyncReplicas > 0 ? minInsyncReplicas : resolvedFactor >= 3 ? 2 : 1;
    return new Replication(resolvedFactor, resolvedMin);
  }

  /** Reads {@code replication-factor} and {@code min-insync-replicas} of a stream's mapping. */
  static Replication fromConfig(ConfigNode node) {
    int factor = node.integer("replication-factor", 0, 1, MAX_FACTOR);
    int min = node.integer("min-insync-replicas", 0, 1, MAX_FACTOR);
    if (factor > 0 && min > factor) {
      throw ConfigException.invalid(
          node.path() + ".min-insync-replicas",
          min,
          "must not exceed " + node.path() + ".replication-factor " + factor);
    }
    return new Replication(factor, min);
  }
}
