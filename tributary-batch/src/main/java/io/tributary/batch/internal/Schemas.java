package io.tributary.batch.internal;

import io.tributary.batch.format.TypeInference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * {@code columns} as a schema of optional fields with fresh ids at every depth (the nested types
   * may carry ids of other schemas, even repeated ones: they are all replaced).
   */
  public static Schema build(Map<String, Type> columns) {
    List<Types.NestedField> fields = new ArrayList<>();
    columns.forEach((name, type) -> fields.add(Types.NestedField.optional(0, name, type)));
    AtomicInteger id = new AtomicInteger();
    Type fresh = TypeUtil.assignFreshIds(Types.StructType.of(fields), id::incrementAndGet);
    return new Schema(fresh.asStructType().fields());
  }

  /**
   * {@code file} with each field, at every depth, that the table already holds in a type at least
   * as wide given the table's type, so that only real widenings and incompatibilities remain for
   * the lake's evolution rules to judge.
   */
  public static Schema adapt(Schema file, Schema table) {
    Map<String, Type> columns = new LinkedHashMap<>();
    for (Types.NestedField field : file.columns()) {
      Types.NestedField existing = table.findField(field.name());
      columns.put(
          field.name(), existing == null ? field.type() : adapt(field.type(), existing.type()));
    }
    return build(columns);
  }

  private static Type adapt(Type file, Type table) {
    if (file.isStructType() && table.isStructType()) {
      List<Types.NestedField> fields = new ArrayList<>();
      for (Types.NestedField field : file.asStructType().fields()) {
        Types.NestedField existing = table.asStructType().field(field.name());
        fields.add(
            Types.NestedField.optional(
                field.fieldId(),
                field.name(),
                existing == null ? field.type() : adapt(field.type(), existing.type())));
      }
      return Types.StructType.of(fields);
    }
    if (file.isListType() && table.isListType()) {
      return Types.ListType.ofOptional(
          file.asListType().elementId(),
          adapt(file.asListType().elementType(), table.asListType().elementType()));
    }
    if (file.isMapType() && table.isMapType()) {
      return Types.MapType.ofOptional(
          file.asMapType().keyId(),
          file.asMapType().valueId(),
          adapt(file.asMapType().keyType(), table.asMapType().keyType()),
          adapt(file.asMapType().valueType(), table.asMapType().valueType()));
    }
    if (file.isPrimitiveType() && table.isPrimitiveType() && !file.equals(table)) {
      return table.equals(TypeInference.widen(table, file)) ? table : file;
    }
    return file;
  }

  /** The column names of {@code schema}, for messages. */
  public static List<String> columnNames(Schema schema) {
    return schema.columns().stream().map(Types.NestedField::name).toList();
  }
}
