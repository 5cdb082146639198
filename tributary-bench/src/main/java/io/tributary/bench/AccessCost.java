package io.tributary.bench;

import io.tributary.core.config.LakeStorage;
import io.tributary.core.config.ReportsConfig;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The cost of authentication ({@code --access-cost}): a twin of a benchmark's platform with {@code
 * access: { enabled: false }}, its own data, lake and ports in a folder of its own, measured in the
 * same run; the figure is the rate with access on over the rate with it off (the target is
 * at least {@value #TARGET}).
 */
final class AccessCost {
  /** The least rate with access on, as a share of the rate with access off. */
  static final double TARGET = 0.95;

  private AccessCost() {}

  /**
   * {@code config} with access off, its data, catalog and lake in {@code dir}, on fresh ports;
   * streams, query and ingest settings unchanged.
   */
  static TributaryConfig accessOff(TributaryConfig config, Path dir) throws IOException {
    return new TributaryConfig(
        dir,
        LocalPlatform.http(),
        LocalPlatform.embeddedKafka(),
        LocalPlatform.catalog(dir),
        config.ingest(),
        config.query(),
        config.streams(),
        config.topics(),
        config.functions(),
        config.crawlers(),
        config.egress(),
        new TributaryConfig.Flows(dir.resolve("flows")),
        new TributaryConfig.PgWire(
            "127.0.0.1", 0, true, TributaryConfig.PgWire.DEFAULT.maxConnections()),
        new TributaryConfig.Access(false),
        LakeStorage.local(dir),
        TributaryConfig.Node.DEFAULT,
        ReportsConfig.defaults(dir),
        config.console());
  }

  /** The line that reports the rates on and off for {@code what} and their ratio (on/off). */
  static String line(String what, double on, double off, String unit) {
    return line(what, on, off, unit, Spread.twoDecimals(on / off));
  }

  /** The line that reports the rates on and off, and {@code ratio}, against the target. */
  static String line(String what, double on, double off, String unit, Spread ratio) {
    return String.format(
        "access cost, %s: %,.0f %s with access on, %,.0f with it off: %sx (target >= %.2fx): %s",
        what,
        on,
        unit,
        off,
        ratio,
        TARGET,
        ratio.median().doubleValue() >= TARGET ? "met" : "NOT met");
  }
}
