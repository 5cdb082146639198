package org.apache.kafka.common.utils;

/**
 * Iceberg's Kafka Connect sink (built against Kafka 3.9) calls this class, which Kafka 4 moved to
 * {@code org.apache.kafka.common.utils.internals}: the only class its jars reference that Connect
 * 4.4 lacks. This shim, on the worker's classpath, forwards to the moved one.
 */
public final class AppInfoParser {
  private AppInfoParser() {}

  /** Kafka's version, as the moved class reports it. */
  public static String getVersion() {
    return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
  }
}
