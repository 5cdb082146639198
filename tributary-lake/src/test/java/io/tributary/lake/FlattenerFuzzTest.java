package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.config.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Random JSON documents through the flattener: keys from several scripts, with separators and case
 * variants, duplicate keys, nesting up to 5,000 levels, huge key counts. Every document either
 * becomes a row in which every leaf value lands in exactly one column, or is rejected with a known
 * code whose condition the document really has; nothing throws.
 */
class FlattenerFuzzTest {
  private static final Flattener.Limits LIMITS = new Flattener.Limits(2_000, 1_000);
  private static final Set<String> CODES =
      Set.of(
          "invalid_json",
          "not_an_object",
          "duplicate_key",
          "too_deep",
          "too_many_keys",
          "number_out_of_range",
          "column_collision",
          "reserved_column");
  private static final List<String> WORDS =
      List.of(
          "a", "b", "user", "Id", "日本語", "東京", "привет", "Мир", "مرحبا", "عالم", "🎉", "😀x", "é",
          "E\u0301", "İ", "ß", "", "9", "_");
  private static final List<String> SEPARATORS = List.of(".", "_", "-", " ", "", "/", "~");

  /** Reads any document the generator writes, however deep, keeping duplicates' last values. */
  private static final ObjectMapper TREE =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(100_000).build())
              .build());

  /** The oracle for duplicate keys: Jackson's parser with its strict duplicate detection. */
  private static final JsonFactory STRICT =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  @Property(seed = "20261204", tries = 400)
  void everyValueLandsInExactlyOneColumnOrTheRecordIsRejected(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    String document = document(random);
    for (StreamSpec.Transform mode : StreamSpec.Transform.values()) {
      Flattener flattener = new Flattener(mode, LIMITS, Set.of("_ingested_at"));
      // twice: the second time with names cached and the first row's columns known
      for (int repeat = 0; repeat < 2; repeat++) {
        Flattener.Flattened result = flattener.flatten(document.getBytes(StandardCharsets.UTF_8));
        check(document, mode, result, seed);
        Statistics.label("result").collect(result.isRejected() ? result.rejection().code() : "row");
      }
    }
    Statistics.label("result")
        .coverage(
            coverage -> {
              for (String outcome :
                  List.of(
                      "row",
                      "too_deep",
                      "too_many_keys",
                      "column_collision",
                      "number_out_of_range",
                      "duplicate_key")) {
                coverage.check(outcome).count(count -> count > 0);
              }
            });
  }

  private static void check(
      String document, StreamSpec.Transform mode, Flattener.Flattened result, long seed)
      throws Exception {
    JsonNode tree = TREE.readTree(document);
    boolean duplicate = hasDuplicateKey(document);
    assertThat(result.isRejected() || !duplicate)
        .as("seed %d: a document with a key twice in one object is rejected: %s", seed, document)
        .isTrue();
    if (result.isRejected() && result.rejection().code().equals("duplicate_key")) {
      assertThat(duplicate).as("seed %d: no key twice in one object: %s", seed, document).isTrue();
    }
    boolean nested = mode == StreamSpec.Transform.FLATTEN;
    if (result.isRejected()) {
      Rejection rejection = result.rejection();
      assertThat(rejection.code()).as("seed %d", seed).isIn(CODES);
      assertThat(rejection.reason()).isNotBlank();
      switch (rejection.code()) {
        case "too_deep" -> assertThat(depth(document)).isGreaterThan(LIMITS.maxDepth());
        case "too_many_keys" ->
            assertThat(leaves(tree, nested, "").size()).isGreaterThan(LIMITS.maxKeys());
        case "column_collision" -> {
          List<String> columns = new ArrayList<>(leaves(tree, nested, "").keySet());
          columns.replaceAll(FlattenerFuzzTest::column);
          assertThat(new HashSet<>(columns)).as("seed %d", seed).hasSizeLessThan(columns.size());
        }
        default -> {}
      }
      return;
    }
    Map<String, JsonNode> leaves = leaves(tree, nested, "");
    Map<String, Object> row = result.row();
    assertThat(row).as("seed %d: %s", seed, document).hasSize(leaves.size());
    for (Map.Entry<String, JsonNode> leaf : leaves.entrySet()) {
      String column = column(leaf.getKey());
      assertThat(row).as("seed %d: path %s", seed, leaf.getKey()).containsKey(column);
      Object expected = scalar(leaf.getValue());
      Object actual = row.get(column);
      if (leaf.getValue().isContainerNode()) { // compare JSON texts as JSON
        expected = leaf.getValue();
        actual = TREE.readTree((String) actual);
      }
      assertThat(Objects.equals(actual, expected))
          .as("seed %d: %s = %s, got %s", seed, leaf.getKey(), leaf.getValue(), actual)
          .isTrue();
    }
  }

  /** Whether Jackson's own duplicate detection finds a key twice in one object, at any depth. */
  private static boolean hasDuplicateKey(String document) throws java.io.IOException {
    try (JsonParser parser = STRICT.createParser(document)) {
      while (parser.nextToken() != null) {
        // reads every token
      }
      return false;
    } catch (JsonParseException e) {
      if (e.getOriginalMessage().startsWith("Duplicate field")) {
        return true;
      }
      throw e;
    }
  }

  /** The column of a JSON Pointer, by the rule in Flattener's documentation. */
  private static String column(String pointer) {
    List<String> keys = new ArrayList<>();
    for (String key : pointer.substring(1).split("/", -1)) {
      keys.add(key.replace("~1", "/").replace("~0", "~"));
    }
    StringBuilder name = new StringBuilder();
    for (String key : keys) {
      if (!name.isEmpty()) {
        name.append('_');
      }
      key.toLowerCase(Locale.ROOT)
          .codePoints()
          .forEach(
              c -> {
                int type = Character.getType(c);
                boolean kept =
                    c == '_'
                        || Character.isLetterOrDigit(c)
                        || type == Character.NON_SPACING_MARK
                        || type == Character.COMBINING_SPACING_MARK
                        || type == Character.ENCLOSING_MARK;
                name.appendCodePoint(kept ? c : '_');
              });
    }
    if (name.isEmpty()) {
      return "_";
    }
    return Character.isDigit(name.codePointAt(0)) ? "_" + name : name.toString();
  }

  private static Object scalar(JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isIntegralNumber()) {
      return value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    return value.isTextual() ? value.textValue() : value.toString();
  }

  private static Map<String, JsonNode> leaves(JsonNode object, boolean nested, String prefix) {
    Map<String, JsonNode> leaves = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String pointer = prefix + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
      if (field.getValue().isObject() && nested) {
        leaves.putAll(leaves(field.getValue(), true, pointer));
      } else {
        leaves.put(pointer, field.getValue());
      }
    }
    return leaves;
  }

  /** The deepest nesting of objects and arrays in a document (brackets outside strings). */
  private static int depth(String document) {
    int depth = 0;
    int deepest = 0;
    boolean inString = false;
    for (int i = 0; i < document.length(); i++) {
      char c = document.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        deepest = Math.max(deepest, ++depth);
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return deepest;
  }

  /** A random JSON object: mostly ordinary, sometimes deep, wide, colliding or duplicated. */
  private static String document(Random random) {
    int kind = random.nextInt(10);
    StringBuilder json = new StringBuilder();
    switch (kind) {
      case 0 -> { // deep: up to 5,000 levels of objects or arrays
        int levels = 1 + random.nextInt(5_000);
        boolean arrays = random.nextBoolean();
        json.append("{\"top\":1,\"deep\":");
        json.append((arrays ? "[" : "{\"k\":").repeat(levels));
        json.append(scalarText(random));
        json.append((arrays ? "]" : "}").repeat(levels));
        json.append('}');
      }
      case 1 -> { // wide: up to 4,000 keys
        int keys = 1 + random.nextInt(4_000);
        boolean plain = random.nextBoolean(); // else keys of words that may collide
        json.append('{');
        for (int i = 0; i < keys; i++) {
          String key = plain ? "k" + i : key(random) + i;
          json.append(i == 0 ? "" : ",").append(quote(key)).append(':');
          json.append(plain ? String.valueOf(i) : scalarText(random));
        }
        json.append('}');
      }
      default -> object(random, json, 1 + random.nextInt(4));
    }
    return json.toString();
  }

  private static void object(Random random, StringBuilder json, int depth) {
    json.append('{');
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      json.append(i == 0 ? "" : ",").append(quote(key(random))).append(':');
      int choice = random.nextInt(depth > 0 ? 8 : 6);
      if (choice >= 6) {
        object(random, json, depth - 1);
      } else if (choice == 5) {
        json.append('[').append(scalarText(random)).append(",\"x\"]");
      } else {
        json.append(scalarText(random));
      }
    }
    json.append('}');
  }

  /** A key of words from several scripts, joined by separators, in a random case. */
  private static String key(Random random) {
    StringBuilder key = new StringBuilder(WORDS.get(random.nextInt(WORDS.size())));
    int more = random.nextInt(3);
    for (int i = 0; i < more; i++) {
      key.append(SEPARATORS.get(random.nextInt(SEPARATORS.size())));
      key.append(WORDS.get(random.nextInt(WORDS.size())));
    }
    return switch (random.nextInt(4)) {
      case 0 -> key.toString().toUpperCase(Locale.ROOT);
      case 1 -> key.toString().toLowerCase(Locale.ROOT);
      default -> key.toString();
    };
  }

  private static String scalarText(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> String.valueOf(random.nextLong());
      case 1 -> String.valueOf(random.nextDouble() * 1e6);
      case 2 -> "true";
      case 3 -> "null";
      case 4 -> "123456789012345678901234567890";
      case 5 -> "1e400";
      case 6 -> "-0.0";
      case 7 -> quote("日本語 " + random.nextInt(100));
      default -> String.valueOf(random.nextInt(1000));
    };
  }

  private static String quote(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }
}
