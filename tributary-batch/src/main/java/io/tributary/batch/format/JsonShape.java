package io.tributary.batch.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The inferred shape of JSON values at one position (a top-level key, a nested key, list elements),
 * accumulated over a sample with Jackson's streaming parser.
 *
 * <p>JSON strings are typed only as date/timestamp/timestamptz or string (a producer that quotes a
 * number means text: identifiers, codes); numbers by their text ({@link TypeInference#numberType});
 * a key seen both as an object and as a scalar (or array) becomes a string holding the JSON text.
 */
final class JsonShape {
  private static final int PRIMITIVE = 1;
  private static final int OBJECT = 2;
  private static final int ARRAY = 4;

  private int kinds;
  private Type primitive;
  private LinkedHashMap<String, JsonShape> fields;
  private JsonShape element;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  /** Accumulates the value at the parser's current token (consumed up to its end). */
  void add(JsonParser p, NameCache names) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        kinds |= OBJECT;
        if (fields == null) {
          fields = new LinkedHashMap<>();
        }
        Set<String> used = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = names.normalize(p.currentName());
          if (used == null) {
            used = new HashSet<>();
          }
          name = Names.unique(name, used);
          p.nextToken();
          fields.computeIfAbsent(name, k -> new JsonShape()).add(p, names);
        }
        break;
      case START_ARRAY:
        kinds |= ARRAY;
        if (element == null) {
          element = new JsonShape();
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          element.add(p, names);
        }
        break;
      case VALUE_NULL:
        break;
      case VALUE_TRUE:
      case VALUE_FALSE:
        addPrimitive(Types.BooleanType.get());
        break;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        {
          String text = p.getText();
          Type type = TypeInference.numberType(text, false);
          if (type == null) {
            type = Types.DoubleType.get();
          }
          if (t == JsonToken.VALUE_NUMBER_INT
              && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long v = p.getLongValue();
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          addPrimitive(type);
          break;
        }
      case VALUE_STRING:
        {
          String text = p.getText();
          Object temporal = text.length() >= 10 ? TextValues.parseTemporal(text) : null;
          addPrimitive(
              temporal == null ? Types.StringType.get() : TextValues.typeOfTemporal(temporal));
          break;
        }
      default:
        addPrimitive(Types.StringType.get()); // embedded objects: not produced by text JSON
    }
  }

  /** Adds everything {@code other} has seen to this shape. */
  void merge(JsonShape other) {
    kinds |= other.kinds;
    if (other.primitive != null) {
      primitive = TypeInference.widen(primitive, other.primitive);
    }
    if (other.fields != null) {
      if (fields == null) {
        fields = new LinkedHashMap<>();
      }
      for (Map.Entry<String, JsonShape> e : other.fields.entrySet()) {
        fields.computeIfAbsent(e.getKey(), k -> new JsonShape()).merge(e.getValue());
      }
    }
    if (other.element != null) {
      if (element == null) {
        element = new JsonShape();
      }
      element.merge(other.element);
    }
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }

  private void addPrimitive(Type type) {
    kinds |= PRIMITIVE;
    primitive = TypeInference.widen(primitive, type);
  }

  /** The fields of a top-level object shape as a struct, epoch integers by name and range. */
  Types.StructType toRootStruct() {
    if (fields == null) {
      return Types.StructType.of();
    }
    List<Types.NestedField> out = new ArrayList<>();
    for (Map.Entry<String, JsonShape> e : fields.entrySet()) {
      JsonShape s = e.getValue();
      Type type = s.toType();
      if ((type.typeId() == Type.TypeID.INTEGER || type.typeId() == Type.TypeID.LONG)
          && TypeInference.suggestsTime(e.getKey())
          && TypeInference.plausibleEpoch(s.min, s.max)) {
        type = Types.TimestampType.withZone();
      }
      out.add(TypeInference.field(out.size() + 1, e.getKey(), type));
    }
    return Types.StructType.of(out);
  }

  /** The Iceberg type of this shape; nothing but nulls, empty objects and mixed kinds → string. */
  Type toType() {
    if (kinds == OBJECT) {
      Types.StructType struct = toRootStruct();
      return struct.fields().isEmpty() ? Types.StringType.get() : struct;
    }
    if (kinds == ARRAY) {
      return Types.ListType.ofOptional(1, element.toType());
    }
    if (kinds == PRIMITIVE && primitive != null) {
      return primitive;
    }
    return Types.StringType.get();
  }

  /** Normalised JSON keys, cached (bounded) since the same keys repeat in every record. */
  static final class NameCache {
    private static final int MAX = 10_000;
    private final Map<String, String> cache = new HashMap<>();

    String normalize(String key) {
      String name = cache.get(key);
      if (name == null) {
        name = Names.normalize(key);
        if (cache.size() >= MAX) {
          cache.clear();
        }
        cache.put(key, name);
      }
      return name;
    }
  }
}
