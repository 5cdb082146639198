package io.tributary.core.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Iceberg partition transform on a column, as written in config: {@code day(_ingested_at)},
 * {@code bucket(16, user_id)}, {@code truncate(4, country)}, {@code identity(event_type)} or a bare
 * column name (identity).
 */
public record PartitionField(Transform transform, String column, int parameter) {
  private static final Pattern SIMPLE = Pattern.compile("\\s*([a-z_][a-z0-9_]*)\\s*");
  private static final Pattern CALL =
      Pattern.compile("\\s*([a-z]+)\\s*\\(\\s*(?:(\\d+)\\s*,\\s*)?([a-z_][a-z0-9_]*)\\s*\\)\\s*");

  /** The Iceberg transforms a stream may partition by. */
  public enum Transform {
    IDENTITY,
    YEAR,
    MONTH,
    DAY,
    HOUR,
    BUCKET,
    TRUNCATE
  }

  public PartitionField {
    Objects.requireNonNull(transform, "transform is null");
    Objects.requireNonNull(column, "column is null");
    boolean parameterized = transform == Transform.BUCKET || transform == Transform.TRUNCATE;
    if (parameterized != parameter > 0) {
      throw new IllegalArgumentException(
          parameterized
              ? transform.name().toLowerCase(Locale.ROOT) + " needs a width, e.g. bucket(16, col)"
              : transform.name().toLowerCase(Locale.ROOT) + " takes no width");
    }
  }

  /**
   * Parses one partition expression.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static PartitionField parse(String text) {
    Matcher simple = SIMPLE.matcher(text);
    if (simple.matches()) {
      return new PartitionField(Transform.IDENTITY, simple.group(1), 0);
    }
    Matcher call = CALL.matcher(text);
    if (!call.matches()) {
      throw new IllegalArgumentException(
          "expected column, day(column), hour(column), month(column), year(column),"
              + " bucket(N, column) or truncate(N, column)");
    }
    Transform transform;
    try {
      transform = Transform.valueOf(call.group(1).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown transform " + call.group(1), e);
    }
    int parameter = call.group(2) == null ? 0 : Integer.parseInt(call.group(2));
    return new PartitionField(transform, call.group(3), parameter);
  }

  @Override
  public String toString() {
    String name = transform.name().toLowerCase(Locale.ROOT);
    return switch (transform) {
      case IDENTITY -> column;
      case BUCKET, TRUNCATE -> name + "(" + parameter + ", " + column + ")";
      default -> name + "(" + column + ")";
    };
  }
}
