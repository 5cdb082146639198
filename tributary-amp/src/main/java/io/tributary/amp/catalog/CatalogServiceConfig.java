package io.tributary.amp.catalog;

import io.tributary.amp.SimulatorConfig;
import io.tributary.core.config.Units;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What the show-catalog service serves and how it misbehaves.
 *
 * @param host the address to listen on, {@code 127.0.0.1} by default
 * @param port the port; 0 picks a free one
 * @param seed the catalog seed: the same seed and sizes give the same initial shows and creators as
 *     the event simulator's catalog ({@link SimulatorConfig#catalogSeed()})
 * @param shows the number of initial shows, {@code show_0001}..; 1 to 9999
 * @param creators the number of creators; 1 to 999, at most {@code shows}
 * @param changeInterval how often the catalog changes by itself; zero never (changes then only
 *     happen through {@link CatalogService#changeNow()} or {@code POST /admin/changes})
 * @param faults the injected latency and failures, changeable at run time
 * @param notifyUri the base URI of the Tributary server receiving change notifications on {@code
 *     POST {notifyUri}/v1/topics/{notifyTopic}/messages}; null publishes nothing
 * @param notifyTopic the topic of change notifications, {@code catalog_changes} by default
 */
public record CatalogServiceConfig(
    String host,
    int port,
    long seed,
    int shows,
    int creators,
    Duration changeInterval,
    Faults faults,
    URI notifyUri,
    String notifyTopic) {
  /** The default host: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The default port of {@code ./tributary amp catalog-service}. */
  public static final int DEFAULT_PORT = 8081;

  /** The default topic of change notifications. */
  public static final String DEFAULT_TOPIC = "catalog_changes";

  /** The default change interval. */
  public static final Duration DEFAULT_CHANGE_INTERVAL = Duration.ofSeconds(5);

  private static final Duration MAX_CHANGE_INTERVAL = Duration.ofDays(1);
  private static final Duration MIN_CHANGE_INTERVAL = Duration.ofMillis(10);

  /**
   * Faults injected into the read endpoints ({@code /shows}, {@code /creators}): every call waits
   * {@code latency} plus a uniformly drawn 0..{@code jitter}, then a {@code failureRate} fraction
   * of calls is answered 503 with {@code Retry-After}.
   */
  public record Faults(Duration latency, Duration jitter, double failureRate) {
    private static final Duration MAX_LATENCY = Duration.ofSeconds(60);

    /** No latency, no failures. */
    public static final Faults NONE = new Faults(Duration.ZERO, Duration.ZERO, 0);

    /** Validates the ranges. */
    public Faults {
      requireDuration("latency", latency, Duration.ZERO, MAX_LATENCY);
      requireDuration("latency jitter", jitter, Duration.ZERO, MAX_LATENCY);
      if (!(failureRate >= 0 && failureRate <= 1)) {
        throw new IllegalArgumentException(
            "Invalid catalog service failure rate: " + failureRate + " (must be 0–1)");
      }
    }
  }

  /** Validates every field. */
  public CatalogServiceConfig {
    Objects.requireNonNull(host, "host is null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("Invalid catalog service host: '' (must not be blank)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "Invalid catalog service port: " + port + " (must be 0–65535)");
    }
    // the simulator's ranges, so the two catalogs can always agree
    requireRange("shows", shows, 1, 9999);
    requireRange("creators", creators, 1, Math.min(999, shows));
    Objects.requireNonNull(changeInterval, "changeInterval is null");
    if (!changeInterval.isZero()) {
      requireDuration("change interval", changeInterval, MIN_CHANGE_INTERVAL, MAX_CHANGE_INTERVAL);
    }
    Objects.requireNonNull(faults, "faults is null");
    if (notifyUri != null
        && (!("http".equals(notifyUri.getScheme()) || "https".equals(notifyUri.getScheme()))
            || notifyUri.getHost() == null)) {
      throw new IllegalArgumentException(
          "Invalid notify URI: " + notifyUri + " (must be http:// or https:// with a host)");
    }
    Objects.requireNonNull(notifyTopic, "notifyTopic is null");
    if (!notifyTopic.matches("[a-z][a-z0-9_]{0,63}")) {
      throw new IllegalArgumentException(
          "Invalid notify topic: '"
              + notifyTopic
              + "' (must be lower-case letters, digits and _, starting with a letter)");
    }
  }

  /**
   * The defaults: loopback on {@value #DEFAULT_PORT}, the simulator's default catalog, a change
   * every 5 s, no faults, no notifications.
   */
  public static CatalogServiceConfig defaults() {
    return new CatalogServiceConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        SimulatorConfig.DEFAULT_CATALOG_SEED,
        SimulatorConfig.DEFAULT_SHOWS,
        SimulatorConfig.DEFAULT_CREATORS,
        DEFAULT_CHANGE_INTERVAL,
        Faults.NONE,
        null,
        DEFAULT_TOPIC);
  }

  /** This config listening on {@code port}. */
  public CatalogServiceConfig withPort(int port) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  /** This config with the catalog seed {@code seed}. */
  public CatalogServiceConfig withSeed(long seed) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  /** This config with {@code shows} initial shows by {@code creators} creators. */
  public CatalogServiceConfig withSize(int shows, int creators) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  /** This config changing every {@code changeInterval} (zero: never by itself). */
  public CatalogServiceConfig withChangeInterval(Duration changeInterval) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  /** This config with the faults {@code faults}. */
  public CatalogServiceConfig withFaults(Faults faults) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  /** This config publishing change notifications to {@code notifyUri} (null: to nobody). */
  public CatalogServiceConfig withNotify(URI notifyUri) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  /** This config publishing change notifications to the topic {@code notifyTopic}. */
  public CatalogServiceConfig withNotifyTopic(String notifyTopic) {
    return new CatalogServiceConfig(
        host, port, seed, shows, creators, changeInterval, faults, notifyUri, notifyTopic);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "Invalid catalog service " + name + ": " + value + " (must be " + min + "–" + max + ")");
    }
  }

  private static void requireDuration(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name + " is null");
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "Invalid catalog service "
              + name
              + ": "
              + Units.formatDuration(value)
              + " (must be "
              + Units.formatDuration(min)
              + "–"
              + Units.formatDuration(max)
              + ")");
    }
  }
}
