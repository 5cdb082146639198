package io.tributary.pgwire;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.access.AdminCredentials;
import io.tributary.core.config.TributaryConfig;
import io.tributary.query.QueryEngine;
import io.tributary.query.TestLake;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * A real lake with two namespaces ({@code raw.t} of every common type, {@code raw.big} of 200,000
 * rows over 4 files, {@code ref.shows}), a query engine over it and the endpoint on a free port.
 */
final class PgWireFixture implements AutoCloseable {
  static final Schema T =
      new Schema(
          required(1, "id", Types.IntegerType.get()),
          optional(2, "name", Types.StringType.get()),
          optional(3, "amount", Types.DecimalType.of(10, 2)),
          optional(4, "score", Types.DoubleType.get()),
          optional(5, "ok", Types.BooleanType.get()),
          optional(6, "day", Types.DateType.get()),
          optional(7, "ts", Types.TimestampType.withoutZone()),
          optional(8, "tstz", Types.TimestampType.withZone()),
          optional(9, "data", Types.BinaryType.get()),
          optional(10, "big", Types.LongType.get()),
          optional(11, "tags", Types.ListType.ofOptional(12, Types.StringType.get())));
  static final Schema BIG =
      new Schema(
          required(1, "n", Types.LongType.get()), required(2, "label", Types.StringType.get()));
  static final Schema SHOWS =
      new Schema(
          required(1, "show_id", Types.StringType.get()),
          optional(2, "title", Types.StringType.get()));
  static final int BIG_ROWS = 200_000;

  final TestLake lake;
  final QueryEngine engine;
  final PgWireServer server;
  final AdminCredentials credentials;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  PgWireFixture(Path dir, int maxConnections, Duration timeout) {
    this(dir, timeout, new PgWireServer.Settings("127.0.0.1", 0, maxConnections, timeout));
  }

  /**
   * The lake and engine (queries time out after {@code timeout}), the endpoint as {@code settings}.
   */
  PgWireFixture(Path dir, Duration timeout, PgWireServer.Settings settings) {
    lake = new TestLake(dir, "raw", "ref");
    Table t = lake.create("raw", "t", T);
    lake.append(
        t,
        List.of(
            Arrays.asList(
                1,
                "alpha",
                new BigDecimal("12.50"),
                1.5,
                true,
                LocalDate.of(2024, 5, 1),
                LocalDateTime.of(2024, 5, 1, 12, 0, 0),
                OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC),
                ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xff}),
                10_000_000_000L,
                List.of("a", "b")),
            Arrays.asList(
                2,
                "beta, \"quoted\"",
                new BigDecimal("-0.05"),
                -2.25,
                false,
                LocalDate.of(1999, 12, 31),
                LocalDateTime.of(1999, 12, 31, 23, 59, 59, 123_456_000),
                OffsetDateTime.of(2030, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC),
                ByteBuffer.wrap(new byte[0]),
                -1L,
                List.of()),
            Arrays.asList(3, null, null, null, null, null, null, null, null, null, null)));
    Table big = lake.create("raw", "big", BIG);
    int perFile = BIG_ROWS / 4;
    for (int file = 0; file < 4; file++) {
      List<List<Object>> rows = new ArrayList<>(perFile);
      for (int i = 0; i < perFile; i++) {
        long n = (long) file * perFile + i;
        rows.add(List.of(n, "row-" + n));
      }
      lake.append(big, rows);
    }
    Table shows = lake.create("ref", "shows", SHOWS);
    lake.append(shows, List.of(List.of("s1", "Morning"), List.of("s2", "Evening")));
    engine =
        new QueryEngine(
            lake.catalog(),
            lake.directory(),
            new TributaryConfig.Query(2, 256L << 20, 1000, timeout));
    SecureRandom random = new SecureRandom();
    credentials = AdminCredentials.loadOrCreate(dir, random);
    server = new PgWireServer(settings, engine, credentials, meters, random);
  }

  String jdbcUrl(String options) {
    return "jdbc:postgresql://127.0.0.1:" + server.port() + "/tributary" + options;
  }

  @Override
  public void close() throws Exception {
    server.close();
    engine.close();
    lake.close();
  }
}
