package io.tributary.batch.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Converts source values (text, JSON trees, Parquet values) to Iceberg generic values of a target
 * type, by the rules of {@link TextValues}; a value that does not fit throws {@link Reject} with a
 * reason naming the column and the value. Not thread-safe (caches record templates and names).
 */
final class Conversions {
  private static final int MAX_VALUE_IN_REASON = 80;

  /** A value that does not fit; cheap (no stack trace): rejections can be frequent. */
  static final class Reject extends Exception {
    private static final long serialVersionUID = 1L;

    Reject(String message) {
      super(message, null, false, false);
    }
  }

  private final ExtraColumns extra;
  private final Map<Types.StructType, GenericRecord> templates = new IdentityHashMap<>();
  private final Map<Types.StructType, int[]> parquetMappings = new IdentityHashMap<>();
  private final JsonShape.NameCache names = new JsonShape.NameCache();

  Conversions(ExtraColumns extra) {
    this.extra = extra;
  }

  /** A new, empty record of {@code struct}. */
  GenericRecord newRecord(Types.StructType struct) {
    GenericRecord template = templates.get(struct);
    if (template == null) {
      template = GenericRecord.create(struct);
      templates.put(struct, template);
    }
    return template.copy();
  }

  static String reason(String path, String value, Type type) {
    return "column '" + path + "': " + quote(value) + " is not " + article(type) + describe(type);
  }

  static String quote(String value) {
    String v =
        value.length() > MAX_VALUE_IN_REASON
            ? value.substring(0, MAX_VALUE_IN_REASON) + "..."
            : value;
    return "'" + v + "'";
  }

  private static String article(Type type) {
    String d = describe(type);
    return "aeiou".indexOf(d.charAt(0)) >= 0 ? "an " : "a ";
  }

  static String describe(Type type) {
    switch (type.typeId()) {
      case INTEGER:
        return "int";
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC() ? "timestamptz" : "timestamp";
      case DECIMAL:
        Types.DecimalType d = (Types.DecimalType) type;
        return "decimal(" + d.precision() + "," + d.scale() + ")";
      default:
        return type.typeId().name().toLowerCase();
    }
  }

  static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  // ---- text (CSV fields) ----

  /** A text value (not null) as {@code type}. */
  Object text(String text, Type type, String path, boolean decimalComma) throws Reject {
    if (type.isPrimitiveType()) {
      Object v = TextValues.parse(text, type, decimalComma);
      if (v == TextValues.INVALID) {
        v = other(text, type);
      }
      if (v == TextValues.INVALID) {
        throw new Reject(reason(path, text, type));
      }
      return v;
    }
    throw new Reject(reason(path, text, type));
  }

  /** Text as the types {@link TextValues} does not infer (uuid, time, binary, fixed). */
  private static Object other(String text, Type type) {
    String t = TextValues.trim(text);
    try {
      switch (type.typeId()) {
        case UUID:
          return UUID.fromString(t);
        case TIME:
          return LocalTime.parse(t);
        case BINARY:
          return ByteBuffer.wrap(Base64.getDecoder().decode(t));
        case FIXED:
          byte[] bytes = Base64.getDecoder().decode(t);
          return bytes.length == ((Types.FixedType) type).length() ? bytes : TextValues.INVALID;
        default:
          return TextValues.INVALID;
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return TextValues.INVALID;
    }
  }

  // ---- JSON trees ----

  /** A JSON object as a record of {@code struct}. */
  Record jsonObject(JsonNode object, Types.StructType struct, String path) throws Reject {
    GenericRecord record = newRecord(struct);
    Set<String> used = null;
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      String name = names.normalize(e.getKey());
      if (used == null) {
        used = new HashSet<>();
      }
      name = Names.unique(name, used);
      Types.NestedField field = struct.field(name);
      if (field == null) {
        if (extra == ExtraColumns.FAIL && !e.getValue().isNull()) {
          throw new Reject("column '" + child(path, name) + "' is not in the table");
        }
        continue;
      }
      record.setField(name, json(e.getValue(), field.type(), child(path, name)));
    }
    return record;
  }

  /** A JSON value as {@code type}; JSON null is null. */
  Object json(JsonNode v, Type type, String path) throws Reject {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    switch (type.typeId()) {
      case STRING:
        return v.isTextual() ? v.textValue() : v.isValueNode() ? v.asText() : v.toString();
      case STRUCT:
        if (v.isObject()) {
          return jsonObject(v, type.asStructType(), path);
        }
        break;
      case LIST:
        if (v.isArray()) {
          Type element = type.asListType().elementType();
          List<Object> out = new ArrayList<>(v.size());
          int i = 0;
          for (JsonNode e : v) {
            out.add(json(e, element, path + "[" + i++ + "]"));
          }
          return out;
        }
        break;
      case MAP:
        if (v.isObject()) {
          Types.MapType map = type.asMapType();
          Map<Object, Object> out = new LinkedHashMap<>();
          for (Map.Entry<String, JsonNode> e : v.properties()) {
            Object key = text(e.getKey(), map.keyType(), path + ".key", false);
            out.put(key, json(e.getValue(), map.valueType(), child(path, e.getKey())));
          }
          return out;
        }
        break;
      case BOOLEAN:
        if (v.isBoolean()) {
          return v.booleanValue();
        }
        break;
      case INTEGER:
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.intValue();
        }
        break;
      case LONG:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.longValue();
        }
        break;
      case FLOAT:
        if (v.isNumber()) {
          return v.floatValue();
        }
        break;
      case DOUBLE:
        if (v.isNumber()) {
          return v.doubleValue();
        }
        break;
      case DECIMAL:
        if (v.isNumber()) {
          Object d = TextValues.fitDecimal(v.decimalValue(), (Types.DecimalType) type);
          if (d != TextValues.INVALID) {
            return d;
          }
          throw new Reject(reason(path, v.asText(), type));
        }
        break;
      case TIMESTAMP:
        if (v.isIntegralNumber()
            && v.canConvertToLong()
            && ((Types.TimestampType) type).shouldAdjustToUTC()) {
          return TextValues.fromEpoch(v.longValue());
        }
        break;
      default:
        break;
    }
    if (v.isTextual() && type.isPrimitiveType()) {
      return text(v.textValue(), type, path, false);
    }
    throw new Reject(reason(path, v.isValueNode() ? v.asText() : v.toString(), type));
  }

  // ---- JSON streaming (JSON lines: no tree per row) ----

  /** Positions and types of a struct's fields by name, cached per struct. */
  private static final class StructInfo {
    final Map<String, Integer> positions = new HashMap<>();
    final Type[] types;

    StructInfo(Types.StructType struct) {
      List<Types.NestedField> fields = struct.fields();
      types = new Type[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        positions.put(fields.get(i).name(), i);
        types[i] = fields.get(i).type();
      }
    }
  }

  private final Map<Types.StructType, StructInfo> structs = new IdentityHashMap<>();
  private final List<Set<String>> usedByDepth = new ArrayList<>();

  private StructInfo info(Types.StructType struct) {
    StructInfo info = structs.get(struct);
    if (info == null) {
      info = new StructInfo(struct);
      structs.put(struct, info);
    }
    return info;
  }

  /**
   * The JSON object at the parser's {@code START_OBJECT} as a record of {@code struct}, read to its
   * {@code END_OBJECT}; the same rules as {@link #jsonObject}. After a {@link Reject} the parser is
   * left inside the value: the caller drops the rest of it.
   */
  Record streamObject(JsonParser p, Types.StructType struct, String path, int depth)
      throws IOException, Reject {
    GenericRecord record = newRecord(struct);
    StructInfo info = info(struct);
    while (usedByDepth.size() <= depth) {
      usedByDepth.add(new HashSet<>());
    }
    Set<String> used = usedByDepth.get(depth);
    used.clear();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = Names.unique(names.normalize(p.currentName()), used);
      t = p.nextToken();
      Integer pos = info.positions.get(name);
      if (pos == null) {
        if (extra == ExtraColumns.FAIL && t != JsonToken.VALUE_NULL) {
          throw new Reject("column '" + child(path, name) + "' is not in the table");
        }
        p.skipChildren();
        continue;
      }
      record.set(pos, streamValue(p, t, info.types[pos], child(path, name), depth));
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected JSON token " + t);
    }
    return record;
  }

  private Object streamValue(JsonParser p, JsonToken t, Type type, String path, int depth)
      throws IOException, Reject {
    switch (t) {
      case VALUE_NULL:
        return null;
      case START_OBJECT:
        if (type.isStructType()) {
          return streamObject(p, type.asStructType(), path, depth + 1);
        }
        return json(p.readValueAsTree(), type, path);
      case START_ARRAY:
        if (type.isListType()) {
          Type element = type.asListType().elementType();
          List<Object> out = new ArrayList<>();
          JsonToken e;
          int i = 0;
          while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (e == null) {
              throw new IOException("unexpected end of JSON");
            }
            out.add(streamValue(p, e, element, path + "[" + i++ + "]", depth + 1));
          }
          return out;
        }
        return json(p.readValueAsTree(), type, path);
      case VALUE_STRING:
        if (type.typeId() == Type.TypeID.STRING) {
          return p.getText();
        }
        return text(p.getText(), type, path, false);
      case VALUE_TRUE:
      case VALUE_FALSE:
        if (type.typeId() == Type.TypeID.BOOLEAN) {
          return t == JsonToken.VALUE_TRUE;
        }
        if (type.typeId() == Type.TypeID.STRING) {
          return p.getText();
        }
        break;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return streamNumber(p, t, type, path);
      default:
        break;
    }
    throw new Reject(reason(path, p.getText(), type));
  }

  private static Object streamNumber(JsonParser p, JsonToken t, Type type, String path)
      throws IOException, Reject {
    boolean integral = t == JsonToken.VALUE_NUMBER_INT;
    JsonParser.NumberType nt = integral ? p.getNumberType() : null;
    switch (type.typeId()) {
      case STRING:
        return p.getText();
      case INTEGER:
        if (nt == JsonParser.NumberType.INT) {
          return p.getIntValue();
        }
        break;
      case LONG:
        if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
        break;
      case FLOAT:
        return p.getFloatValue();
      case DOUBLE:
        return p.getDoubleValue();
      case DECIMAL:
        Object d = TextValues.fitDecimal(p.getDecimalValue(), (Types.DecimalType) type);
        if (d != TextValues.INVALID) {
          return d;
        }
        break;
      case TIMESTAMP:
        if ((nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG)
            && ((Types.TimestampType) type).shouldAdjustToUTC()) {
          return TextValues.fromEpoch(p.getLongValue());
        }
        break;
      default:
        break;
    }
    throw new Reject(reason(path, p.getText(), type));
  }

  // ---- Parquet (Iceberg generic values) ----

  /** A Parquet row (a record of the file's schema) as a record of {@code struct}. */
  Record parquetRecord(
      StructLike row, Types.StructType source, Types.StructType struct, String path) throws Reject {
    int[] mapping = parquetMappings.get(source);
    if (mapping == null) {
      mapping = mapping(source, struct);
      parquetMappings.put(source, mapping);
    }
    GenericRecord record = newRecord(struct);
    List<Types.NestedField> sourceFields = source.fields();
    for (int i = 0; i < mapping.length; i++) {
      Object value = row.get(i, Object.class);
      if (value == null) {
        continue;
      }
      int pos = mapping[i];
      if (pos < 0) {
        if (extra == ExtraColumns.FAIL) {
          throw new Reject(
              "column '"
                  + child(path, Names.normalize(sourceFields.get(i).name(), i + 1))
                  + "' is not in the table");
        }
        continue;
      }
      Types.NestedField target = struct.fields().get(pos);
      record.set(
          pos,
          object(value, sourceFields.get(i).type(), target.type(), child(path, target.name())));
    }
    return record;
  }

  /** For each source field, the position of the target field of its normalised name, or -1. */
  static int[] mapping(Types.StructType source, Types.StructType target) {
    List<String> sourceNames = new ArrayList<>();
    for (Types.NestedField f : source.fields()) {
      sourceNames.add(f.name());
    }
    List<String> normalised = Names.normalizeAll(sourceNames);
    int[] mapping = new int[normalised.size()];
    List<Types.NestedField> targetFields = target.fields();
    for (int i = 0; i < mapping.length; i++) {
      mapping[i] = -1;
      for (int k = 0; k < targetFields.size(); k++) {
        if (targetFields.get(k).name().equals(normalised.get(i))) {
          mapping[i] = k;
          break;
        }
      }
    }
    return mapping;
  }

  /** A Parquet value of {@code sourceType} as {@code type}. */
  Object object(Object v, Type sourceType, Type type, String path) throws Reject {
    if (v == null) {
      return null;
    }
    if (sourceType.equals(type) && type.isPrimitiveType()) {
      return v;
    }
    switch (type.typeId()) {
      case STRUCT:
        if (v instanceof StructLike && sourceType.isStructType()) {
          return parquetRecord(
              (StructLike) v, sourceType.asStructType(), type.asStructType(), path);
        }
        break;
      case LIST:
        if (v instanceof List && sourceType.isListType()) {
          List<Object> out = new ArrayList<>();
          Type from = sourceType.asListType().elementType();
          int i = 0;
          for (Object e : (List<?>) v) {
            out.add(object(e, from, type.asListType().elementType(), path + "[" + i++ + "]"));
          }
          return out;
        }
        break;
      case MAP:
        if (v instanceof Map && sourceType.isMapType()) {
          Map<Object, Object> out = new LinkedHashMap<>();
          Types.MapType from = sourceType.asMapType();
          Types.MapType to = type.asMapType();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            out.put(
                object(e.getKey(), from.keyType(), to.keyType(), path + ".key"),
                object(e.getValue(), from.valueType(), to.valueType(), path + ".value"));
          }
          return out;
        }
        break;
      case STRING:
        return stringOf(v);
      case LONG:
        if (v instanceof Integer) {
          return ((Integer) v).longValue();
        }
        break;
      case FLOAT:
        if (v instanceof Integer) {
          return ((Integer) v).floatValue();
        }
        break;
      case DOUBLE:
        if (v instanceof Number) {
          return ((Number) v).doubleValue();
        }
        break;
      case DECIMAL:
        if (v instanceof Integer || v instanceof Long || v instanceof BigDecimal) {
          BigDecimal d =
              v instanceof BigDecimal
                  ? (BigDecimal) v
                  : new BigDecimal(BigInteger.valueOf(((Number) v).longValue()));
          Object fitted = TextValues.fitDecimal(d, (Types.DecimalType) type);
          if (fitted != TextValues.INVALID) {
            return fitted;
          }
        }
        break;
      case TIMESTAMP:
        boolean zoned = ((Types.TimestampType) type).shouldAdjustToUTC();
        if (v instanceof LocalDate) {
          LocalDateTime t = ((LocalDate) v).atStartOfDay();
          return zoned ? t.atOffset(ZoneOffset.UTC) : t;
        }
        if (v instanceof LocalDateTime) {
          return zoned ? ((LocalDateTime) v).atOffset(ZoneOffset.UTC) : v;
        }
        if (v instanceof OffsetDateTime) {
          OffsetDateTime t = (OffsetDateTime) v;
          return zoned ? t : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (zoned && (v instanceof Long || v instanceof Integer)) {
          return TextValues.fromEpoch(((Number) v).longValue());
        }
        break;
      default:
        break;
    }
    if (v instanceof CharSequence && type.isPrimitiveType()) {
      return text(v.toString(), type, path, false);
    }
    throw new Reject(reason(path, stringOf(v), type));
  }

  private static String stringOf(Object v) {
    if (v instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) v).duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof byte[]) {
      return Base64.getEncoder().encodeToString((byte[]) v);
    }
    return v.toString();
  }
}
