package io.tributary.bench;

import static org.apache.iceberg.types.Types.NestedField.optional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Types;

/**
 * The query benchmark's generated data: app events, row {@code i} a pure function of {@code i} (so
 * the lake and PostgreSQL get the same rows), and the show catalog they refer to.
 */
final class AppEventRows {
  static final int SHOWS = 1_000;
  static final int USERS = 50_000;
  static final String[] TYPES = {
    "listen_start", "listen_stop", "like", "follow", "chat_message", "poll_vote"
  };
  static final Schema EVENTS =
      new Schema(
          optional(1, "event_id", Types.StringType.get()),
          optional(2, "user_id", Types.StringType.get()),
          optional(3, "show_id", Types.StringType.get()),
          optional(4, "event_type", Types.StringType.get()),
          optional(5, "ts", Types.TimestampType.withZone()),
          optional(6, "duration_ms", Types.LongType.get()));
  static final Schema SHOWS_SCHEMA =
      new Schema(
          optional(1, "show_id", Types.StringType.get()),
          optional(2, "title", Types.StringType.get()),
          optional(3, "creator", Types.StringType.get()));

  /** 2026-11-01T00:00Z in microseconds; event {@code i} happens {@code i * 50 ms} later. */
  private static final long START_MICROS =
      ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2026-11-01T00:00:00Z"));

  private AppEventRows() {}

  /** A well-mixed hash of {@code i} (SplitMix64's finalizer). */
  static long mix(long i) {
    long z = i + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static String eventId(long i) {
    return "e" + i;
  }

  static String showId(long i) {
    return show((int) Math.floorMod(mix(i) >>> 8, SHOWS));
  }

  static String show(int n) {
    return String.format("show_%04d", n);
  }

  static String userId(long i) {
    return "u" + Math.floorMod(mix(i) >>> 24, USERS);
  }

  static String eventType(long i) {
    return TYPES[(int) Math.floorMod(mix(i), TYPES.length)];
  }

  static long tsMicros(long i) {
    return START_MICROS + i * 50_000L;
  }

  /** Listening time, on {@code listen_stop} events only. */
  static Long durationMs(long i) {
    return eventType(i).equals("listen_stop") ? Math.floorMod(mix(i) >>> 40, 3_600_000L) : null;
  }

  /** Rows {@code from..to-1} as Iceberg's internal representation, one reused row. */
  static Iterator<StructLike> events(long from, long to) {
    return new Iterator<>() {
      private final Row row = new Row(EVENTS.columns().size());
      private long next = from;

      @Override
      public boolean hasNext() {
        return next < to;
      }

      @Override
      public StructLike next() {
        if (next >= to) {
          throw new NoSuchElementException();
        }
        long i = next++;
        row.values[0] = eventId(i);
        row.values[1] = userId(i);
        row.values[2] = showId(i);
        row.values[3] = eventType(i);
        row.values[4] = tsMicros(i);
        row.values[5] = durationMs(i);
        return row;
      }
    };
  }

  /** Row {@code i} as a CSV line for PostgreSQL's COPY (timestamps as UTC text). */
  static String csvLine(long i) {
    long micros = tsMicros(i);
    Instant ts = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    Long duration = durationMs(i);
    return eventId(i)
        + ','
        + userId(i)
        + ','
        + showId(i)
        + ','
        + eventType(i)
        + ','
        + ts
        + ','
        + (duration == null ? "" : duration.toString())
        + '\n';
  }

  /** The show catalog: {@link #SHOWS} shows with a title and a creator. */
  static Iterator<StructLike> shows() {
    return new Iterator<>() {
      private final Row row = new Row(SHOWS_SCHEMA.columns().size());
      private int next;

      @Override
      public boolean hasNext() {
        return next < SHOWS;
      }

      @Override
      public StructLike next() {
        if (next >= SHOWS) {
          throw new NoSuchElementException();
        }
        int n = next++;
        row.values[0] = show(n);
        row.values[1] = title(n);
        row.values[2] = "creator_" + (n % 97);
        return row;
      }
    };
  }

  static String title(int n) {
    return "Show number " + n;
  }

  /** A mutable row over an array, as the lake's writer reads it (consumed before the next). */
  static final class Row implements StructLike {
    final Object[] values;

    Row(int width) {
      values = new Object[width];
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      values[pos] = value;
    }
  }
}
