package io.tributary.batch.internal;

import io.tributary.batch.format.Names;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Where a landing file belongs: which table, which partition. Folders {@code key=value} are
 * partition column {@code key} (a string); date-shaped folders {@code 2026/11/26[/13]} are int
 * columns {@code year}, {@code month}, {@code day}, {@code hour}; a folder {@code 2026-11-26} is a
 * date column {@code date}. Every other folder names the table: files directly under {@code
 * <source>/} (or only under partition folders) form table {@code <source>}, files under {@code
 * <source>/shows/} form {@code <source>_shows}. All names are normalised with {@link Names}.
 */
public final class Layout {
  private static final Pattern KEY_VALUE = Pattern.compile("([^=]+)=(.*)");
  private static final Pattern YEAR = Pattern.compile("(19|2\\d)\\d\\d");
  private static final Pattern TWO_DIGITS = Pattern.compile("\\d{1,2}");
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private Layout() {}

  /** One partition column's value. */
  public record PartitionValue(Type type, Object value) {
    public PartitionValue {
      Objects.requireNonNull(type, "type is null");
    }
  }

  /**
   * A file's place.
   *
   * @param table the table name (without namespace)
   * @param partitions partition columns in folder order
   */
  public record Placement(String table, Map<String, PartitionValue> partitions) {
    public Placement {
      Objects.requireNonNull(table, "table is null");
      partitions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
    }
  }

  /**
   * Places {@code path} (relative to the source folder, {@code /}-separated, ending in the file
   * name) of {@code source}.
   */
  public static Placement place(String source, String path) {
    String[] segments = path.split("/");
    List<String> folders = new ArrayList<>();
    Map<String, PartitionValue> partitions = new LinkedHashMap<>();
    int i = 0;
    int last = segments.length - 1; // the file name
    while (i < last) {
      String segment = segments[i];
      Matcher keyValue = KEY_VALUE.matcher(segment);
      if (keyValue.matches()) {
        String key = Names.normalize(decode(keyValue.group(1)));
        String value = decode(keyValue.group(2));
        partitions.put(
            key,
            new PartitionValue(
                Types.StringType.get(),
                value.isEmpty() || value.equals("__HIVE_DEFAULT_PARTITION__") ? null : value));
        i++;
      } else if (ISO_DATE.matcher(segment).matches() && isDate(segment)) {
        partitions.put("date", new PartitionValue(Types.DateType.get(), LocalDate.parse(segment)));
        i++;
      } else if (YEAR.matcher(segment).matches()) {
        partitions.put(
            "year", new PartitionValue(Types.IntegerType.get(), Integer.parseInt(segment)));
        i++;
        String[] names = {"month", "day", "hour"};
        int[] min = {1, 1, 0};
        int[] max = {12, 31, 23};
        for (int part = 0; part < names.length && i < last; part++) {
          if (!TWO_DIGITS.matcher(segments[i]).matches()) {
            break;
          }
          int value = Integer.parseInt(segments[i]);
          if (value < min[part] || value > max[part]) {
            break;
          }
          partitions.put(names[part], new PartitionValue(Types.IntegerType.get(), value));
          i++;
        }
      } else {
        folders.add(segment);
        i++;
      }
    }
    String table = folders.isEmpty() ? source : source + "_" + String.join("_", folders);
    return new Placement(Names.normalize(table), partitions);
  }

  private static boolean isDate(String text) {
    try {
      LocalDate.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
