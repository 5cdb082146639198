package io.tributary.pgwire;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The endpoint's meters: open connections, statements by outcome and their duration, rows sent,
 * errors by SQLSTATE, all tagged {@code interface=pgwire}.
 */
final class PgWireMetrics implements AutoCloseable {
  private final MeterRegistry meters;
  private final Gauge connections;
  private final Timer statements;
  private final Counter rows;

  PgWireMetrics(MeterRegistry meters, Supplier<Number> openConnections) {
    this.meters = meters;
    this.connections =
        Gauge.builder("tributary.pgwire.connections", openConnections)
            .description("Open PostgreSQL protocol connections")
            .register(meters);
    this.statements =
        Timer.builder("tributary.query.duration")
            .tag("interface", "pgwire")
            .description("Time to answer a statement, rows sent included")
            .register(meters);
    this.rows =
        Counter.builder("tributary.query.rows")
            .tag("interface", "pgwire")
            .description("Rows sent to clients")
            .register(meters);
  }

  void statement(Duration elapsed, long rowCount) {
    statements.record(elapsed);
    rows.increment(rowCount);
  }

  void error(String sqlState) {
    Counter.builder("tributary.query.errors")
        .tag("interface", "pgwire")
        .tag("sqlstate", sqlState)
        .description("Statements that failed, by SQLSTATE")
        .register(meters)
        .increment();
  }

  @Override
  public void close() {
    meters.remove(connections);
  }
}
