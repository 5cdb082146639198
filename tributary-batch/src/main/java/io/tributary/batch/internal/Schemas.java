package io.tributary.batch.internal;

import io.tributary.batch.format.TypeInference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/** Schema rules of the crawler: compatibility for grouping, merging, and describing changes. */
public final class Schemas {
  private Schemas() {}

  /**
   * Whether a file of schema {@code file} belongs with a table of schema {@code table}: at least
   * one column in common, and at least half of the smaller schema's columns (partition columns not
   * counted).
   */
  public static boolean compatible(Schema table, Schema file, Set<String> partitionColumns) {
    Set<String> a = names(table, partitionColumns);
    Set<String> b = names(file, partitionColumns);
    if (a.isEmpty() || b.isEmpty()) {
      return true;
    }
    Set<String> shared = new HashSet<>(a);
    shared.retainAll(b);
    return !shared.isEmpty() && shared.size() * 2 >= Math.min(a.size(), b.size());
  }

  private static Set<String> names(Schema schema, Set<String> excluded) {
    Set<String> names = new HashSet<>();
    for (Types.NestedField field : schema.columns()) {
      if (!excluded.contains(field.name())) {
        names.add(field.name());
      }
    }
    return names;
  }

  /**
   * The union of two schemas by top-level column name, in first-seen order, each shared column of
   * the narrowest type holding both ({@link TypeInference#widen}); every column optional, ids
   * fresh.
   */
  public static Schema merge(Schema a, Schema b) {
    Map<String, Type> columns = new LinkedHashMap<>();
    for (Schema schema : List.of(a, b)) {
      for (Types.NestedField field : schema.columns()) {
        columns.merge(field.name(), field.type(), TypeInference::widen);
      }
    }
    return build(columns);
  }

  /** {@code columns} as a schema of optional fields with fresh ids. */
  public static Schema build(Map<String, Type> columns) {
    List<Types.NestedField> fields = new ArrayList<>();
    int[] id = {0};
    columns.forEach((name, type) -> fields.add(Types.NestedField.optional(++id[0], name, type)));
    return TypeUtil.assignFreshIds(new Schema(fields), () -> ++id[0]);
  }

  /**
   * {@code file} with each column the table already holds in a type at least as wide given the
   * table's type, so that only real widenings and incompatibilities remain for the table's schema
   * update to judge.
   */
  public static Schema adapt(Schema file, Schema table) {
    Map<String, Type> columns = new LinkedHashMap<>();
    for (Types.NestedField field : file.columns()) {
      Types.NestedField existing = table.findField(field.name());
      Type type = field.type();
      if (existing != null && !existing.type().equals(type)) {
        Type widened = TypeInference.widen(existing.type(), type);
        if (existing.type().equals(widened)) {
          type = existing.type();
        }
      }
      columns.put(field.name(), type);
    }
    return build(columns);
  }

  /** The columns {@code after} adds to {@code before}, and those whose type changed. */
  public static String describeChange(Schema before, Schema after) {
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Types.NestedField field : after.columns()) {
      Types.NestedField old = before.findField(field.fieldId());
      if (old == null) {
        added.add(field.name() + " " + field.type());
      } else if (!old.type().equals(field.type())) {
        changed.add(field.name() + " " + old.type() + " -> " + field.type());
      }
    }
    List<String> parts = new ArrayList<>();
    if (!added.isEmpty()) {
      parts.add("added " + String.join(", ", added));
    }
    if (!changed.isEmpty()) {
      parts.add("changed " + String.join(", ", changed));
    }
    return parts.isEmpty() ? "no change" : String.join("; ", parts);
  }

  /** The column names of {@code schema}, for messages. */
  public static List<String> columnNames(Schema schema) {
    return schema.columns().stream().map(Types.NestedField::name).toList();
  }
}
