package io.tributary.query;

import java.util.Random;

/**
 * Random rows of the column types DuckDB results are read as Arrow for, as SQL: unicode text,
 * extreme integers, NaN and infinities, timestamps of years 1 to 9999 with 0, 3 or 6 fraction
 * digits, infinite timestamps and dates, NULLs. For the seeded property tests of the result paths.
 */
public final class RandomRows {
  private static final String[] TEXTS = {
    "",
    "a",
    "ü",
    "日本語",
    "😀 emoji",
    "quote ' here",
    "tab\there",
    "line\nbreak",
    "  spaced  ",
    "\\x00"
  };

  private RandomRows() {}

  /**
   * A SELECT of {@code rows} random rows, about 1 value in 8 NULL, columns {@code k} (the row
   * number), {@code s} VARCHAR, {@code ti} TINYINT, {@code si} SMALLINT, {@code i} INTEGER, {@code
   * bi} BIGINT, {@code b} BOOLEAN, {@code d} DOUBLE, {@code ts} TIMESTAMP, {@code tz} TIMESTAMPTZ,
   * {@code dt} DATE.
   */
  public static String sql(Random random, int rows) {
    StringBuilder sql = new StringBuilder("SELECT * FROM (VALUES ");
    for (int row = 0; row < rows; row++) {
      sql.append(row == 0 ? "(" : ", (").append(row);
      sql.append(", ").append(nullOr(random, text(random)));
      sql.append(", ").append(nullOr(random, "'" + (random.nextInt(256) - 128) + "'::TINYINT"));
      sql.append(", ")
          .append(nullOr(random, "'" + (random.nextInt(65536) - 32768) + "'::SMALLINT"));
      sql.append(", ").append(nullOr(random, "'" + random.nextInt() + "'::INTEGER"));
      sql.append(", ").append(nullOr(random, "'" + integer(random) + "'::BIGINT"));
      sql.append(", ").append(nullOr(random, random.nextBoolean() ? "true" : "false"));
      sql.append(", ").append(nullOr(random, "'" + real(random) + "'::DOUBLE"));
      sql.append(", ").append(nullOr(random, timestamp(random) + "::TIMESTAMP"));
      sql.append(", ").append(nullOr(random, timestamp(random) + "::TIMESTAMPTZ"));
      sql.append(", ").append(nullOr(random, date(random)));
      sql.append(')');
    }
    if (rows == 0) {
      sql.append("(0, 'x', 1::TINYINT, 1::SMALLINT, 1, 1::BIGINT, true, 1.5::DOUBLE,")
          .append(" TIMESTAMP '2024-01-01', TIMESTAMPTZ '2024-01-01', DATE '2024-01-01')");
    }
    sql.append(") v(k, s, ti, si, i, bi, b, d, ts, tz, dt)");
    return rows == 0 ? sql.append(" WHERE false").toString() : sql.toString();
  }

  private static String nullOr(Random random, String literal) {
    return random.nextInt(8) == 0 ? "NULL" : literal;
  }

  private static String text(Random random) {
    if (random.nextBoolean()) {
      return "'" + TEXTS[random.nextInt(TEXTS.length)].replace("'", "''") + "'";
    }
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(40);
    for (int i = 0; i < length; i++) {
      int codePoint =
          switch (random.nextInt(4)) {
            case 0 -> 0x20 + random.nextInt(0x5f);
            case 1 -> 0xa0 + random.nextInt(0x700);
            case 2 -> 0x4e00 + random.nextInt(0x5000);
            default -> 0x1f300 + random.nextInt(0x300);
          };
      text.appendCodePoint(codePoint);
    }
    return "'" + text.toString().replace("'", "''") + "'";
  }

  private static long integer(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> Long.MAX_VALUE;
      case 1 -> Long.MIN_VALUE;
      default -> random.nextLong();
    };
  }

  private static String real(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> "NaN";
      case 1 -> random.nextBoolean() ? "Infinity" : "-Infinity";
      case 2 -> "-0.0";
      case 3 -> Double.toString(random.nextInt(1000));
      default -> Double.toString(Double.longBitsToDouble(random.nextLong()) % 1e300);
    };
  }

  /** Microseconds from year 1 to 9999, or now and then infinity, as a DuckDB expression. */
  private static String timestamp(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> random.nextBoolean() ? "'infinity'" : "'-infinity'";
      case 1 -> "make_timestamp('" + (random.nextInt(2_000_000) - 1_000_000) + "'::BIGINT)";
      default -> {
        long micros = -62_135_596_800_000_000L + (long) (random.nextDouble() * 315_537_897_599e6);
        long unit = new long[] {1, 1_000, 1_000_000}[random.nextInt(3)];
        yield "make_timestamp('" + (micros / unit * unit) + "'::BIGINT)";
      }
    };
  }

  private static String date(Random random) {
    if (random.nextInt(16) == 0) {
      return random.nextBoolean() ? "'infinity'::DATE" : "'-infinity'::DATE";
    }
    return "(DATE '0001-01-01' + " + random.nextInt(3_652_059) + ")";
  }
}
