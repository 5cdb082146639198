package io.tributary.batch.format;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;

/** Parquet schemas: the footer's schema as Iceberg types, names normalised. */
final class ParquetFormat {
  private ParquetFormat() {}

  /** The file's schema with its own names (and its field ids, or fallback ids when it has none). */
  static Schema fileSchema(MessageType type) {
    return ParquetSchemaUtil.hasIds(type)
        ? ParquetSchemaUtil.convert(type)
        : ParquetSchemaUtil.convert(ParquetSchemaUtil.addFallbackIds(type));
  }

  /** {@code struct} with every level's names normalised ({@link Names#normalizeAll}). */
  static Types.StructType normalise(Types.StructType struct) {
    List<String> raw = new ArrayList<>();
    for (Types.NestedField f : struct.fields()) {
      raw.add(f.name());
    }
    List<String> names = Names.normalizeAll(raw);
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Types.NestedField f = struct.fields().get(i);
      fields.add(
          Types.NestedField.optional(f.fieldId(), names.get(i), normalise(f.type()), f.doc()));
    }
    return Types.StructType.of(fields);
  }

  private static Type normalise(Type type) {
    if (type.isStructType()) {
      return normalise(type.asStructType());
    }
    if (type.isListType()) {
      Types.ListType list = type.asListType();
      return Types.ListType.ofOptional(list.elementId(), normalise(list.elementType()));
    }
    if (type.isMapType()) {
      Types.MapType map = type.asMapType();
      return Types.MapType.ofOptional(
          map.keyId(), map.valueId(), normalise(map.keyType()), normalise(map.valueType()));
    }
    return type;
  }
}
