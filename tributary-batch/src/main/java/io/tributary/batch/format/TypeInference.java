package io.tributary.batch.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Type inference rules shared by classification and reading; the full rules are in {@code
 * docs/crawler-formats.md}.
 *
 * <p>One text value (a CSV field, or the text of a JSON number) has the narrowest of: {@code
 * boolean} ({@code true}/{@code false}, any case); {@code int}/{@code long} (an optional sign and
 * digits, no leading zero, so {@code 007} stays a string); {@code decimal(p,s)} (digits, a point,
 * digits, no exponent: {@code 12.50} is {@code decimal(18,2)}, the precision being at least 18);
 * {@code double} (an exponent, or a decimal that needs more than 38 digits); {@code date}; {@code
 * timestamp}; {@code timestamptz}; else {@code string}. A column's type is the {@link #widen
 * widening} of its values' types.
 */
public final class TypeInference {
  /** Inferred decimals get at least this precision (Parquet stores up to 18 digits in 8 bytes). */
  static final int MIN_DECIMAL_PRECISION = 18;

  static final int MAX_DECIMAL_PRECISION = 38;

  /** Epoch seconds taken as a timestamp: 2000-01-01 to 2100-01-01. */
  static final long EPOCH_SECONDS_MIN = 946_684_800L;

  static final long EPOCH_SECONDS_MAX = 4_102_444_800L;
  static final long EPOCH_MILLIS_MIN = EPOCH_SECONDS_MIN * 1000;
  static final long EPOCH_MILLIS_MAX = EPOCH_SECONDS_MAX * 1000;

  private TypeInference() {}

  /**
   * The narrowest type fitting both (widening), commutative and associative:
   *
   * <ul>
   *   <li>equal types → that type; a null argument means "no value seen yet" and yields the other;
   *   <li>int + long → long;
   *   <li>int/long + decimal(p,s) → decimal(max(p−s, 10 resp. 19) + s, s);
   *   <li>decimal(p1,s) + decimal(p2,s) → decimal(max(p1,p2), s); decimals of different scales →
   *       double (a fixed scale, like money, is what makes a column decimal);
   *   <li>int/long/decimal/float + double → double; int + float → float; a decimal wider than 38
   *       digits → double;
   *   <li>date + timestamp → timestamp; date or timestamp + timestamptz → timestamptz (a value
   *       without zone is taken as UTC);
   *   <li>struct + struct → the union of their fields (by name, in order of first appearance), each
   *       widened, all optional;
   *   <li>list + list → list of the widened elements; map + map → map of widened keys and values;
   *   <li>anything else (boolean + int, struct + long...) → string.
   * </ul>
   *
   * <p>Field ids of the result are not meaningful: assign fresh ids when building a schema.
   */
  public static Type widen(Type a, Type b) {
    if (a == null) {
      return b;
    }
    if (b == null || a.equals(b)) {
      return a;
    }
    Type.TypeID ia = a.typeId();
    Type.TypeID ib = b.typeId();
    if (ia == Type.TypeID.STRING || ib == Type.TypeID.STRING) {
      return Types.StringType.get();
    }
    if (a.isNestedType() || b.isNestedType()) {
      return widenNested(a, b);
    }
    if (isNumeric(ia) && isNumeric(ib)) {
      return widenNumbers(a, b);
    }
    if (isTemporal(ia) && isTemporal(ib)) {
      return rank(a) >= rank(b) ? a : b;
    }
    return Types.StringType.get();
  }

  /**
   * The widening of two schemas (for example of two files of one table), as a new schema with fresh
   * field ids from 1: columns of {@code a} in order, then those only in {@code b}. To evolve an
   * existing Iceberg table, compare per column instead: Iceberg itself promotes only int → long,
   * float → double and a decimal's precision ({@code TypeUtil.isPromotionAllowed}); any other
   * widening (long → double, anything → string) needs a new column or a rewrite.
   */
  public static Schema widen(Schema a, Schema b) {
    Objects.requireNonNull(a, "a is null");
    Objects.requireNonNull(b, "b is null");
    return Schemas.fresh(widen(a.asStruct(), b.asStruct()).asStructType());
  }

  private static Type widenNested(Type a, Type b) {
    if (a.isStructType() && b.isStructType()) {
      List<Types.NestedField> fields = new ArrayList<>();
      for (Types.NestedField f : a.asStructType().fields()) {
        Types.NestedField other = b.asStructType().field(f.name());
        fields.add(
            field(
                fields.size() + 1,
                f.name(),
                other == null ? f.type() : widen(f.type(), other.type())));
      }
      for (Types.NestedField f : b.asStructType().fields()) {
        if (a.asStructType().field(f.name()) == null) {
          fields.add(field(fields.size() + 1, f.name(), f.type()));
        }
      }
      return Types.StructType.of(fields);
    }
    if (a.isListType() && b.isListType()) {
      return Types.ListType.ofOptional(
          1, widen(a.asListType().elementType(), b.asListType().elementType()));
    }
    if (a.isMapType() && b.isMapType()) {
      Type key = widen(a.asMapType().keyType(), b.asMapType().keyType());
      Type value = widen(a.asMapType().valueType(), b.asMapType().valueType());
      return Types.MapType.ofOptional(1, 2, key, value);
    }
    return Types.StringType.get();
  }

  static Types.NestedField field(int id, String name, Type type) {
    return Types.NestedField.optional(id, name, type);
  }

  private static boolean isNumeric(Type.TypeID id) {
    return id == Type.TypeID.INTEGER
        || id == Type.TypeID.LONG
        || id == Type.TypeID.DECIMAL
        || id == Type.TypeID.FLOAT
        || id == Type.TypeID.DOUBLE;
  }

  private static boolean isTemporal(Type.TypeID id) {
    return id == Type.TypeID.DATE || id == Type.TypeID.TIMESTAMP;
  }

  private static int rank(Type type) {
    if (type.typeId() == Type.TypeID.DATE) {
      return 0;
    }
    return ((Types.TimestampType) type).shouldAdjustToUTC() ? 2 : 1;
  }

  private static Type widenNumbers(Type a, Type b) {
    Type.TypeID ia = a.typeId();
    Type.TypeID ib = b.typeId();
    if (ia == Type.TypeID.DOUBLE || ib == Type.TypeID.DOUBLE) {
      return Types.DoubleType.get();
    }
    if (ia == Type.TypeID.FLOAT || ib == Type.TypeID.FLOAT) {
      Type other = ia == Type.TypeID.FLOAT ? b : a;
      return other.typeId() == Type.TypeID.INTEGER || other.typeId() == Type.TypeID.FLOAT
          ? Types.FloatType.get()
          : Types.DoubleType.get();
    }
    if (ia == Type.TypeID.DECIMAL && ib == Type.TypeID.DECIMAL) {
      Types.DecimalType da = (Types.DecimalType) a;
      Types.DecimalType db = (Types.DecimalType) b;
      if (da.scale() != db.scale()) {
        return Types.DoubleType.get();
      }
      return Types.DecimalType.of(Math.max(da.precision(), db.precision()), da.scale());
    }
    if (ia == Type.TypeID.DECIMAL || ib == Type.TypeID.DECIMAL) {
      Types.DecimalType d = (Types.DecimalType) (ia == Type.TypeID.DECIMAL ? a : b);
      Type.TypeID other = ia == Type.TypeID.DECIMAL ? ib : ia;
      int integerDigits = other == Type.TypeID.INTEGER ? 10 : 19;
      int precision = Math.max(d.precision() - d.scale(), integerDigits) + d.scale();
      return precision > MAX_DECIMAL_PRECISION
          ? Types.DoubleType.get()
          : Types.DecimalType.of(precision, d.scale());
    }
    return Types.LongType.get(); // int + long
  }

  /**
   * The narrowest type of one text value (a CSV field), or null for a null value (empty or blank,
   * {@code NULL}, {@code null}, {@code \N}). With {@code decimalComma} ({@code ;}-separated files)
   * {@code 12,50} is a decimal too.
   */
  public static Type typeOf(String text, boolean decimalComma) {
    Objects.requireNonNull(text, "text is null");
    String t = TextValues.trim(text);
    if (t.isEmpty() || TextValues.isNullToken(t)) {
      return null;
    }
    char c = t.charAt(0);
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      Type number = numberType(t, decimalComma);
      if (number != null) {
        return number;
      }
      Object temporal = TextValues.parseTemporal(t);
      if (temporal != null) {
        return TextValues.typeOfTemporal(temporal);
      }
      return Types.StringType.get();
    }
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Types.BooleanType.get();
    }
    return Types.StringType.get();
  }

  /** The type of a number's text (trimmed), or null if it is not a number by our rules. */
  static Type numberType(String t, boolean decimalComma) {
    int i = 0;
    int n = t.length();
    if (t.charAt(0) == '-' || t.charAt(0) == '+') {
      i++;
    }
    int intStart = i;
    while (i < n && isDigit(t.charAt(i))) {
      i++;
    }
    int intDigits = i - intStart;
    if (i == n) {
      if (intDigits == 0 || (intDigits > 1 && t.charAt(intStart) == '0')) {
        return null; // a sign alone, or a leading zero (an identifier such as a zip code)
      }
      if (intDigits <= 9) {
        return Types.IntegerType.get();
      }
      if (intDigits <= 19) {
        try {
          long v = Long.parseLong(t);
          return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE
              ? Types.IntegerType.get()
              : Types.LongType.get();
        } catch (NumberFormatException e) {
          // 19 digits beyond the long range: a decimal
        }
      }
      return intDigits <= MAX_DECIMAL_PRECISION ? Types.DecimalType.of(intDigits, 0) : null;
    }
    char sep = t.charAt(i);
    int scale = 0;
    if (sep == '.' || (sep == ',' && decimalComma)) {
      int fracStart = ++i;
      while (i < n && isDigit(t.charAt(i))) {
        i++;
      }
      scale = i - fracStart;
      if (i == n) {
        if (intDigits == 0 || scale == 0) {
          return intDigits + scale > 0 ? Types.DoubleType.get() : null; // .5 or 5.
        }
        if (intDigits > 1 && t.charAt(intStart) == '0') {
          return null;
        }
        int significant = intDigits == 1 && t.charAt(intStart) == '0' ? 0 : intDigits;
        int precision = Math.max(significant + scale, MIN_DECIMAL_PRECISION);
        if (precision > MAX_DECIMAL_PRECISION || scale > MAX_DECIMAL_PRECISION) {
          return Types.DoubleType.get();
        }
        return Types.DecimalType.of(Math.max(precision, scale), scale);
      }
    }
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E') && intDigits + scale > 0) {
      i++;
      if (i < n && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
        i++;
      }
      int expStart = i;
      while (i < n && isDigit(t.charAt(i))) {
        i++;
      }
      if (i == n && i > expStart) {
        return Types.DoubleType.get();
      }
    }
    return null;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Whether a (normalised) column name suggests a point in time, for epoch numbers: it is {@code
   * ts}, or ends with {@code _at}, {@code _ts}, {@code time}, {@code timestamp}, {@code epoch} or
   * {@code _date}.
   */
  static boolean suggestsTime(String name) {
    return name.equals("ts")
        || name.endsWith("_at")
        || name.endsWith("_ts")
        || name.endsWith("time")
        || name.endsWith("timestamp")
        || name.endsWith("epoch")
        || name.endsWith("_date");
  }

  /** Whether every integer in [min, max] is a plausible epoch second or millisecond (2000–2100). */
  static boolean plausibleEpoch(long min, long max) {
    return (min >= EPOCH_SECONDS_MIN && max <= EPOCH_SECONDS_MAX)
        || (min >= EPOCH_MILLIS_MIN && max <= EPOCH_MILLIS_MAX);
  }
}
