package io.tributary.lake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.tributary.core.config.StreamSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns one JSON document into a row of named scalar values, or says why the record cannot be one.
 *
 * <p>Values are {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code null}:
 *
 * <ul>
 *   <li>JSON integers become {@code Long}, other numbers {@code Double}. A number that neither can
 *       hold exactly enough (an integer beyond the 64-bit range, a number beyond the {@code double}
 *       range such as {@code 1e400}) rejects the record: {@code number_out_of_range}.
 *   <li>{@code null} is kept as a column with a {@code null} value.
 *   <li>Arrays are kept as their compact JSON text. With {@link StreamSpec.Transform#FLATTEN},
 *       nested objects become {@code parent_child} columns, recursively, and an empty nested object
 *       yields no column; with {@link StreamSpec.Transform#NONE} they are kept as JSON text.
 * </ul>
 *
 * <p><b>Column names.</b> Every leaf value has a key path, written as a JSON Pointer ({@code
 * {"a":{"b":1}}} has {@code /a/b}). Its column name is a deterministic function of that path: the
 * keys joined with {@code _}, each key lower-cased ({@link Locale#ROOT}) with every Unicode letter,
 * digit and mark kept and every other code point ({@code .}, {@code -}, space, emoji...) written as
 * {@code _}; a name starting with a digit gets a leading {@code _}; an empty name is {@code _}.
 * Different paths can thus map to the same name ({@code /a.b}, {@code /a/b}, {@code /a_b}, {@code
 * /A_B}, {@code /a-b} all map to {@code a_b}). Such a record is never merged: the column keeps the
 * path it was first given (see {@link #knowColumns}, recorded in the table as the column's doc, see
 * {@link #docOf}), and a record is rejected with {@code column_collision} when two of its paths map
 * to one name or one of its paths maps to a column that holds another path.
 *
 * <p><b>Rejections</b>, by code: {@code invalid_json}, {@code not_an_object}, {@code duplicate_key}
 * (a key twice in one object), {@code too_deep} (nesting beyond {@link Limits#maxDepth()}), {@code
 * too_many_keys} (more leaf values than {@link Limits#maxKeys()}), {@code number_out_of_range},
 * {@code column_collision}, {@code reserved_column} (a path mapping to a column the platform sets,
 * such as {@code _ingested_at}).
 *
 * <p>Not thread-safe: it caches names and known columns; use one per delivery thread.
 */
public final class Flattener {
  /** Cached names beyond which the cache starts afresh (checked between rows). */
  private static final int MAX_CACHED_NAMES = 10_000;

  private static final String DOC_PREFIX = "JSON path ";

  /**
   * Limits per record.
   *
   * @param maxKeys the most leaf values (columns) one record may have
   * @param maxDepth the deepest nesting of objects and arrays one record may have
   */
  public record Limits(int maxKeys, int maxDepth) {
    /** 2,000 keys (the lake's default column limit per table) and 1,000 levels (Jackson's). */
    public static final Limits DEFAULT = new Limits(2_000, 1_000);

    /** The deepest nesting a limit may allow. */
    public static final int MAX_DEPTH = 5_000;

    public Limits {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("Invalid max keys per record: " + maxKeys + " (>= 1)");
      }
      if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
        throw new IllegalArgumentException(
            "Invalid max nesting depth: " + maxDepth + " (1-" + MAX_DEPTH + ")");
      }
    }
  }

  /** One record's row, or why it has none: exactly one of the two is not null. */
  public record Flattened(Map<String, Object> row, Rejection rejection) {
    public Flattened {
      if ((row == null) == (rejection == null)) {
        throw new IllegalArgumentException("Give either a row or a rejection");
      }
    }

    static Flattened rejected(String code, String reason) {
      return new Flattened(null, new Rejection(code, reason));
    }

    public boolean isRejected() {
      return rejection != null;
    }

    /** The row, or an {@link IllegalArgumentException} with the rejection's reason. */
    public Map<String, Object> orElseThrow() {
      if (rejection != null) {
        throw new IllegalArgumentException(rejection.code() + ": " + rejection.reason());
      }
      return row;
    }
  }

  private final StreamSpec.Transform mode;
  private final Limits limits;
  private final Set<String> reserved;
  private final JsonFactory factory;
  private final Map<String, String> knownPaths = new HashMap<>();

  /** The key paths of the row being flattened, in order (reused from row to row). */
  private final ArrayList<Name> rowNames = new ArrayList<>();

  /** Counts calls of {@link #knowColumns}: a name recorded in this generation needs no check. */
  private int generation = 1;

  private Name root = new Name(null, "");

  /** The columns of the cached names, one per column name whatever paths map to it. */
  private final Map<String, Slot> slots = new HashMap<>();

  private int cachedNames;
  private int lastRowSize = 16;

  /** Counts the documents flattened: a name met twice in one document is a duplicate key. */
  private long documents;

  /** A flattener with the default limits and no reserved column names. */
  public Flattener(StreamSpec.Transform mode) {
    this(mode, Limits.DEFAULT, Set.of());
  }

  /**
   * @param reserved column names the caller sets itself (such as {@code _ingested_at}): a record
   *     with a path mapping to one is rejected
   */
  public Flattener(StreamSpec.Transform mode, Limits limits, Set<String> reserved) {
    this.mode = Objects.requireNonNull(mode, "mode is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.reserved = Set.copyOf(reserved);
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth()).build())
            .streamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(limits.maxDepth()).build())
            .build();
  }

  /**
   * Sets the columns the target table has and the key path each holds ({@code null} where the
   * column has no recorded path: any path may use it); rows accepted since the previous call had
   * added their own columns.
   */
  public void knowColumns(Map<String, String> pathsByColumn) {
    knownPaths.clear();
    knownPaths.putAll(pathsByColumn);
    generation++;
  }

  /** The key path of a column, as a JSON Pointer: known, or of a row accepted since. */
  public String pathOf(String column) {
    return knownPaths.get(column);
  }

  /** The column doc recording a key path. */
  public static String docOf(String path) {
    return path == null ? null : DOC_PREFIX + path;
  }

  /** The key path a column doc records, or {@code null} if it records none. */
  public static String pathOfDoc(String doc) {
    return doc != null && doc.startsWith(DOC_PREFIX) ? doc.substring(DOC_PREFIX.length()) : null;
  }

  /** Parses and flattens one JSON document; never throws for what the document holds. */
  public Flattened flatten(byte[] document) {
    Objects.requireNonNull(document, "document is null");
    if (cachedNames > MAX_CACHED_NAMES) {
      root = new Name(null, "");
      slots.clear();
      cachedNames = 0;
    }
    // room for the columns of the previous row and one more (such as _ingested_at) unresized
    FlatRow row = new FlatRow(lastRowSize + 1);
    rowNames.clear();
    documents++;
    try (JsonParser parser = factory.createParser(document)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Flattened.rejected("not_an_object", "The record is not a JSON object");
      }
      Flattened rejection = addFields(parser, root, row);
      if (rejection != null) {
        return rejection;
      }
      if (parser.nextToken() != null) {
        return Flattened.rejected(
            "invalid_json", "Malformed JSON: unexpected content after the object");
      }
    } catch (StreamConstraintsException e) {
      return constraintBroken(e);
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
          ? Flattened.rejected("duplicate_key", "Duplicate key: " + e.getOriginalMessage())
          : Flattened.rejected("invalid_json", "Malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Flattened.rejected("invalid_json", "Unreadable JSON: " + e.getMessage());
    }
    for (Name name : rowNames) {
      if (name.recordedIn != generation) {
        knownPaths.putIfAbsent(name.column, name.pointer);
        name.recordedIn = generation;
      }
    }
    lastRowSize = row.size();
    return new Flattened(row, null);
  }

  /** The rejection for one of the parser's limits: nesting, or the length of a number or name. */
  private Flattened constraintBroken(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("nesting depth")) {
      return Flattened.rejected(
          "too_deep",
          "The record is nested deeper than the limit of "
              + limits.maxDepth()
              + " levels (ingest.max-nesting-depth)");
    }
    if (message.startsWith("Number")) {
      return Flattened.rejected(
          "number_out_of_range", "A number is too long: " + message + " (send it as a string)");
    }
    return Flattened.rejected("invalid_json", "The record breaks a parser limit: " + message);
  }

  /**
   * Adds the fields of the object whose {@code START_OBJECT} the parser is at, and of the objects
   * nested in it (iteratively: nesting is limited by the parser alone, not by the stack).
   *
   * @return the rejection of the record, or {@code null}
   */
  private Flattened addFields(JsonParser parser, Name top, FlatRow row) throws IOException {
    ArrayDeque<Name> parents = new ArrayDeque<>();
    Name parent = top;
    while (true) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.END_OBJECT) {
        if (parents.isEmpty()) {
          return null;
        }
        parent = parents.pop();
        continue;
      }
      Name name = child(parent, parser.currentName());
      if (name.metIn == documents) {
        return Flattened.rejected(
            "duplicate_key",
            "Duplicate key: '"
                + parser.currentName()
                + "' twice in "
                + (parent.pointer.isEmpty() ? "the record" : "the object at " + parent.pointer));
      }
      name.metIn = documents;
      token = parser.nextToken();
      if (token == JsonToken.START_OBJECT && mode == StreamSpec.Transform.FLATTEN) {
        parents.push(parent);
        parent = name;
        continue;
      }
      Object value;
      if (token == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        return outOfRange(name, parser.getText(), "the 64-bit integer range");
      } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
        double number = parser.getDoubleValue();
        if (Double.isInfinite(number)) {
          return outOfRange(name, parser.getText(), "the range of a double");
        }
        value = number;
      } else if (token == JsonToken.VALUE_STRING) {
        value =
            name.strings()
                .of(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
      } else {
        value = scalar(parser, token);
      }
      Flattened rejection = put(row, name, value);
      if (rejection != null) {
        return rejection;
      }
    }
  }

  private static Flattened outOfRange(Name name, String text, String range) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return Flattened.rejected(
        "number_out_of_range",
        "Key " + name.pointer + ": " + shown + " is beyond " + range + " (send it as a string)");
  }

  private Flattened put(FlatRow row, Name name, Object value) {
    Slot slot = name.slot;
    String column = slot.column;
    if (reserved.contains(column)) {
      return Flattened.rejected(
          "reserved_column",
          "Key "
              + name.pointer
              + " maps to column "
              + column
              + ", which the platform sets itself: rename the key");
    }
    if (slot.metIn == documents) {
      return Flattened.rejected(
          "column_collision",
          "Keys " + slot.by.pointer + " and " + name.pointer + " both map to column " + column);
    }
    slot.metIn = documents;
    slot.by = name;
    rowNames.add(name);
    // a name recorded in this generation holds its column's known path (or one with none)
    if (name.recordedIn != generation && knownPaths.containsKey(column)) {
      String known = knownPaths.get(column);
      if (known != null && !known.equals(name.pointer)) {
        return Flattened.rejected(
            "column_collision",
            "Key "
                + name.pointer
                + " maps to column "
                + column
                + ", which holds the values of key "
                + known);
      }
    }
    row.append(column, value);
    if (row.size() > limits.maxKeys()) {
      return Flattened.rejected(
          "too_many_keys",
          "The record has more than "
              + limits.maxKeys()
              + " keys, the limit (ingest.max-keys-per-record)");
    }
    return null;
  }

  private Name child(Name parent, String key) {
    if (parent.children == null) {
      parent.children = new HashMap<>();
    }
    Name name = parent.children.get(key);
    if (name == null) {
      name = new Name(parent, key);
      name.slot = slots.computeIfAbsent(name.column, Slot::new);
      parent.children.put(key, name);
      cachedNames++;
    }
    return name;
  }

  /** The value at the parser's current token (not a string, not an out-of-range number). */
  private Object scalar(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_NULL -> null;
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NUMBER_INT -> parser.getLongValue();
      default -> text(parser); // an array, or an object kept as text
    };
  }

  /**
   * The compact JSON text of the array or object the parser is at, its numbers as written (a double
   * would print 1e400 as Infinity).
   *
   * @throws JsonParseException for a key twice in one of its objects
   */
  private String text(JsonParser parser) throws IOException {
    StringWriter out = new StringWriter();
    ArrayDeque<Set<String>> objectKeys = new ArrayDeque<>();
    try (JsonGenerator generator = factory.createGenerator(out)) {
      int depth = 0;
      JsonToken token = parser.currentToken();
      do {
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
          generator.writeNumber(parser.getText());
        } else {
          generator.copyCurrentEvent(parser);
        }
        if (token == JsonToken.START_OBJECT) {
          objectKeys.push(new HashSet<>());
        } else if (token == JsonToken.END_OBJECT) {
          objectKeys.pop();
        } else if (token == JsonToken.FIELD_NAME && !objectKeys.peek().add(parser.currentName())) {
          throw new JsonParseException(
              parser, "Duplicate field '" + parser.currentName() + "' in a nested value");
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        }
      } while (depth > 0 && (token = parser.nextToken()) != null);
    }
    return out.toString();
  }

  /** The column name of a key: see the class comment. */
  static String mapChars(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    lower
        .codePoints()
        .forEach(
            c -> {
              if (c == '_' || Character.isLetterOrDigit(c) || isMark(c)) {
                out.appendCodePoint(c);
              } else {
                out.append('_');
              }
            });
    return out.toString();
  }

  private static boolean isMark(int c) {
    int type = Character.getType(c);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  private static String columnName(String path) {
    if (path.isEmpty()) {
      return "_";
    }
    return Character.isDigit(path.codePointAt(0)) ? "_" + path : path;
  }

  /** A key path: its JSON Pointer, its column name and its children by raw key. */
  private static final class Name {
    final String path;
    final String pointer;
    final String column;
    Map<String, Name> children;

    /** Its column, shared with the other paths that map to the same name. */
    Slot slot;

    private RepeatedStrings strings;

    /** The generation of known columns in which its path was recorded for its column; 0: none. */
    int recordedIn;

    /** The last document (by its count) in which the key path was met; 0: none. */
    long metIn;

    Name(Name parent, String key) {
      if (parent == null) {
        this.path = "";
        this.pointer = "";
      } else {
        this.path = parent.path.isEmpty() ? mapChars(key) : parent.path + "_" + mapChars(key);
        this.pointer = parent.pointer + "/" + key.replace("~", "~0").replace("/", "~1");
      }
      this.column = columnName(path);
    }

    /** The recent string values of this path. */
    RepeatedStrings strings() {
      if (strings == null) {
        strings = new RepeatedStrings();
      }
      return strings;
    }
  }

  /**
   * A column name and the key path that last gave it a value: two paths giving it a value in one
   * document collide.
   */
  private static final class Slot {
    /** The name, one instance for all its paths: sinks look it up by identity first. */
    final String column;

    /** The last document (by its count) in which a path gave the column a value; 0: none. */
    long metIn;

    /** The key path that gave it that value. */
    Name by;

    Slot(String column) {
      this.column = column;
    }
  }
}
