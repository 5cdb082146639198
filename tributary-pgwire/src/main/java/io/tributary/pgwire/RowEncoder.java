package io.tributary.pgwire;

import io.tributary.query.QueryCursor;
import io.tributary.query.QueryResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

/**
 * Writes a cursor's current row as a DataRow straight into the connection's buffer: text columns as
 * the UTF-8 bytes DuckDB produced, integers, booleans and timestamps from their primitive values,
 * with no object per value. Columns the cursor reads only as objects (and values outside the common
 * range, such as timestamps beyond year 9999) go through {@link ValueEncoder}, so both ways give
 * the same bytes. Not thread-safe.
 */
final class RowEncoder {
  /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in microseconds since 1970. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  /** 0000-01-01T00:00:00 and 10000-01-01T00:00:00 in microseconds since 1970. */
  private static final long MIN_MICROS = -62_167_219_200_000_000L;

  private static final long MAX_MICROS = 253_402_300_800_000_000L;

  private final PgType[] types;
  private final boolean[] binary;
  private final QueryCursor.ValueKind[] kinds;

  RowEncoder(QueryCursor cursor, PgType[] types, Portal portal) {
    List<QueryResult.Column> columns = cursor.columns();
    this.types = types.clone();
    this.binary = new boolean[columns.size()];
    this.kinds = new QueryCursor.ValueKind[columns.size()];
    for (int i = 0; i < kinds.length; i++) {
      binary[i] = portal.format(i) == 1;
      kinds[i] = cursor.kind(i);
    }
  }

  /** Writes the cursor's current row as one DataRow message. */
  void write(MessageWriter out, QueryCursor cursor) throws IOException {
    out.begin('D').writeShort(kinds.length);
    for (int i = 0; i < kinds.length; i++) {
      QueryCursor.ValueKind kind = kinds[i];
      if (kind != QueryCursor.ValueKind.OBJECT && cursor.isNull(i)) {
        out.writeInt(-1);
        continue;
      }
      switch (kind) {
        case TEXT -> {
          int length = cursor.textLength(i);
          out.writeInt(length);
          cursor.copyText(i, out.reserve(length), out.position());
          out.skip(length);
        }
        case INTEGER -> integer(out, i, cursor.longValue(i));
        case BOOLEAN -> {
          boolean value = cursor.booleanValue(i);
          out.writeInt(1).writeByte(binary[i] ? (value ? 1 : 0) : (value ? 't' : 'f'));
        }
        case TIMESTAMP, UTC_TIMESTAMP -> {
          long micros = cursor.longValue(i);
          if (micros >= MIN_MICROS && micros < MAX_MICROS) {
            timestamp(out, micros, binary[i], kind == QueryCursor.ValueKind.UTC_TIMESTAMP);
          } else {
            object(out, i, cursor.value(i));
          }
        }
        default -> object(out, i, cursor.value(i));
      }
    }
    out.end();
  }

  private void integer(MessageWriter out, int column, long value) {
    if (!binary[column]) {
      out.writeInt(0);
      int start = out.position();
      out.writeDecimal(value);
      out.putLength(start);
      return;
    }
    switch (types[column]) {
      case INT2 -> out.writeInt(2).writeShort((short) value);
      case INT4 -> out.writeInt(4).writeInt((int) value);
      default -> out.writeInt(8).writeLong(value);
    }
  }

  /** {@code 2024-05-01 12:00:00.5} (and {@code +00} for a UTC one) or PostgreSQL's binary. */
  private static void timestamp(MessageWriter out, long micros, boolean binary, boolean utc) {
    if (binary) {
      out.writeInt(8).writeLong(micros - PG_EPOCH_MICROS);
      return;
    }
    long seconds = Math.floorDiv(micros, 1_000_000L);
    int fraction = (int) Math.floorMod(micros, 1_000_000L);
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(days);
    out.writeInt(0);
    int start = out.position();
    out.writeDigits(date.getYear(), 4).writeByte('-');
    out.writeDigits(date.getMonthValue(), 2).writeByte('-');
    out.writeDigits(date.getDayOfMonth(), 2).writeByte(' ');
    out.writeDigits(secondOfDay / 3600, 2).writeByte(':');
    out.writeDigits(secondOfDay / 60 % 60, 2).writeByte(':');
    out.writeDigits(secondOfDay % 60, 2);
    if (fraction != 0) {
      int width = 6;
      while (fraction % 10 == 0) {
        fraction /= 10;
        width--;
      }
      out.writeByte('.').writeDigits(fraction, width);
    }
    if (utc) {
      out.writeByte('+').writeByte('0').writeByte('0');
    }
    out.putLength(start);
  }

  private void object(MessageWriter out, int column, Object value) {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes =
        binary[column]
            ? ValueEncoder.binary(types[column], value)
            : ValueEncoder.text(types[column], value).getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length).writeBytes(bytes);
  }
}
