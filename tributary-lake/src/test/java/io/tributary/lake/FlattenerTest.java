package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.StreamSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class FlattenerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final Flattener flatten = new Flattener(StreamSpec.Transform.FLATTEN);
  private final Flattener none = new Flattener(StreamSpec.Transform.NONE);

  private static ObjectNode parse(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  @Test
  void flattensNestedObjectsAndKeepsArraysAsJson() throws Exception {
    Map<String, Object> row =
        flatten.flatten(
            parse(
                "{\"event\":\"play\",\"device\":{\"os\":\"ios\",\"app\":{\"version\":\"1.2\"}},"
                    + "\"tags\":[1, {\"a\": 2}],\"n\":null}"));
    assertThat(row)
        .containsExactly(
            entry("event", "play"),
            entry("device_os", "ios"),
            entry("device_app_version", "1.2"),
            entry("tags", "[1,{\"a\":2}]"),
            entry("n", null));
  }

  @Test
  void modeNoneKeepsNestedObjectsAsJson() throws Exception {
    assertThat(none.flatten(parse("{\"device\":{\"os\":\"ios\"},\"x\":1}")))
        .containsExactly(entry("device", "{\"os\":\"ios\"}"), entry("x", 1L));
  }

  @Test
  void mapsJsonScalarsToJavaTypes() throws Exception {
    Map<String, Object> row =
        flatten.flatten(
            parse(
                "{\"i\":42,\"f\":1.5,\"b\":true,\"s\":\"x\",\"big\":123456789012345678901234567890,"
                    + "\"neg\":-9223372036854775808}"));
    assertThat(row.get("i")).isEqualTo(42L);
    assertThat(row.get("f")).isEqualTo(1.5);
    assertThat(row.get("b")).isEqualTo(true);
    assertThat(row.get("s")).isEqualTo("x");
    assertThat(row.get("big")).isEqualTo(1.2345678901234568e29);
    assertThat(row.get("neg")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void normalisesNamesAndSuffixesCollisions() throws Exception {
    Map<String, Object> row =
        flatten.flatten(
            parse(
                "{\"userId\":1,\"userid\":2,\"a_b\":3,\"a\":{\"b\":4},\"9lives\":5,\"\":6,"
                    + "\"Héllo World\":7,\"a_b_2\":8}"));
    assertThat(row)
        .containsExactly(
            entry("userid", 1L),
            entry("userid_2", 2L),
            entry("a_b", 3L),
            entry("a_b_2", 4L),
            entry("_9lives", 5L),
            entry("_", 6L),
            entry("h_llo_world", 7L),
            entry("a_b_2_2", 8L));
  }

  @Property(seed = "20261126", tries = 300)
  void anyObjectFlattensToScalarColumns(@ForAll("objects") ObjectNode json) {
    for (Flattener flattener : List.of(flatten, none)) {
      LinkedHashMap<String, Object> row = flattener.flatten(json);
      assertThat(row.keySet()).allMatch(name -> name.matches("[a-z_][a-z0-9_]*"));
      assertThat(row.values())
          .allMatch(
              v ->
                  v == null
                      || v instanceof String
                      || v instanceof Long
                      || v instanceof Double
                      || v instanceof Boolean);
      boolean nested = flattener == flatten;
      assertThat(row).hasSize(leaves(json, nested));
    }
  }

  @Property(seed = "20261127", tries = 500)
  void parsingBytesEqualsFlatteningTheTree(@ForAll("documents") String document) throws Exception {
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    for (StreamSpec.Transform mode : StreamSpec.Transform.values()) {
      Flattener streaming = new Flattener(mode);
      Flattener tree = new Flattener(mode);
      Throwable malformed = catchThrowable(() -> JSON.readTree(bytes));
      if (malformed != null) {
        assertThatThrownBy(() -> streaming.flatten(bytes)).hasMessage(malformed.getMessage());
        continue;
      }
      JsonNode node = JSON.readTree(bytes);
      for (int repeat = 0; repeat < 2; repeat++) { // the second time with names cached
        Optional<LinkedHashMap<String, Object>> row = streaming.flatten(bytes);
        if (node == null || !node.isObject()) {
          assertThat(row).isEmpty();
        } else {
          LinkedHashMap<String, Object> expected = tree.flatten((ObjectNode) node);
          assertThat(row).isPresent();
          assertThat(new ArrayList<>(row.get().entrySet()))
              .isEqualTo(new ArrayList<>(expected.entrySet()));
          assertThat(row.get().values())
              .map(v -> v == null ? null : v.getClass())
              .isEqualTo(
                  expected.values().stream().map(v -> v == null ? null : v.getClass()).toList());
        }
      }
    }
  }

  @Test
  void parsingBytesReportsWhatReadTreeReports() throws Exception {
    for (String text : List.of("{\"a\":", "{\"a\" 1}", "{\"a\":[1,}", "[1, 2", "{\"a\":tru}")) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      String expected = catchThrowable(() -> JSON.readTree(bytes)).getMessage();
      assertThatThrownBy(() -> flatten.flatten(bytes))
          .isInstanceOf(IOException.class)
          .hasMessage(expected);
    }
    for (String text : List.of("", " ", "[1]", "\"x\"", "1", "null")) {
      assertThat(flatten.flatten(text.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
    assertThat(flatten.flatten("{\"a\":1} trailing".getBytes(StandardCharsets.UTF_8)))
        .contains(new LinkedHashMap<>(Map.of("a", 1L)));
    assertThat(
            flatten.flatten("{\"a\":{\"x\":1},\"b\":2,\"a\":3}".getBytes(StandardCharsets.UTF_8)))
        .get()
        .isEqualTo(flatten.flatten(parse("{\"a\":3,\"b\":2}")));
  }

  @Test
  void manyDistinctKeysStillFlattenCorrectly() throws Exception {
    for (int i = 0; i < 25_000; i++) {
      String key = "Key" + i;
      assertThat(
              flatten.flatten(
                  ("{\"" + key + "\":{\"v\":" + i + "}}").getBytes(StandardCharsets.UTF_8)))
          .contains(new LinkedHashMap<>(Map.of("key" + i + "_v", (long) i)));
    }
  }

  @Provide
  Arbitrary<String> documents() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, jsonObject(3)),
        Tuple.of(1, jsonValue(1)),
        Tuple.of(1, jsonObject(2).map(text -> text.substring(0, text.length() / 2))));
  }

  /** JSON object text whose keys may repeat and whose numbers come in many spellings. */
  private Arbitrary<String> jsonObject(int depth) {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('a', 'c').ofMaxLength(2),
            Arbitraries.strings().withChars("aAbB_.-9 éİ$\"\\").ofMaxLength(4));
    Arbitrary<String> field =
        Arbitraries.entries(keys.map(FlattenerTest::quote), jsonValue(depth))
            .map(e -> e.getKey() + ":" + e.getValue());
    return field.list().ofMaxSize(6).map(fields -> "{" + String.join(", ", fields) + "}");
  }

  private Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> scalars =
        Arbitraries.oneOf(
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of(
                "-0",
                "0.0",
                "-0.0",
                "1e3",
                "1E-2",
                "1.50",
                "12345678901234567890",
                "-9223372036854775809",
                "9223372036854775807",
                "1e400",
                "123456789012345678901234567890"),
            Arbitraries.of("true", "false", "null"),
            Arbitraries.strings().ofMaxLength(8).map(FlattenerTest::quote),
            Arbitraries.of("\"2026-11-26T07:42:00Z\"", "\"a\\u00e9\\n\\\"\""));
    if (depth == 0) {
      return scalars;
    }
    Arbitrary<String> arrays =
        jsonValue(depth - 1).list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
    return Arbitraries.frequencyOf(
        Tuple.of(6, scalars), Tuple.of(1, arrays), Tuple.of(2, jsonObject(depth - 1)));
  }

  private static String quote(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }

  /** Leaf values: scalars, nulls and arrays; objects count their fields (top level always). */
  private static int leaves(JsonNode object, boolean nested) {
    int count = 0;
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      count += field.getValue().isObject() && nested ? leaves(field.getValue(), true) : 1;
    }
    return count;
  }

  @Provide
  Arbitrary<ObjectNode> objects() {
    return object(3);
  }

  private Arbitrary<ObjectNode> object(int depth) {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('a', 'c').ofMaxLength(3),
            Arbitraries.strings().withChars("aAbB_.-9 éİ$").ofMaxLength(4),
            Arbitraries.strings().ofMaxLength(6));
    return Arbitraries.maps(keys, value(depth))
        .ofMaxSize(6)
        .map(
            fields -> {
              ObjectNode node = NODES.objectNode();
              new HashMap<>(fields).forEach(node::set);
              return node;
            });
  }

  private Arbitrary<JsonNode> value(int depth) {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.longs().map(NODES::numberNode),
            Arbitraries.doubles().map(NODES::numberNode),
            Arbitraries.bigIntegers()
                .between(
                    java.math.BigInteger.TWO.pow(70).negate(), java.math.BigInteger.TWO.pow(70))
                .map(NODES::numberNode),
            Arbitraries.of(true, false).map(NODES::booleanNode),
            Arbitraries.strings().ofMaxLength(10).map(NODES::textNode),
            Arbitraries.just(NODES.nullNode()));
    if (depth == 0) {
      return scalars;
    }
    Arbitrary<JsonNode> arrays =
        value(depth - 1)
            .list()
            .ofMaxSize(3)
            .map(
                items -> {
                  ArrayNode array = NODES.arrayNode();
                  items.forEach(array::add);
                  return array;
                });
    return Arbitraries.frequencyOf(
        Tuple.of(6, scalars),
        Tuple.of(1, arrays),
        Tuple.of(2, object(depth - 1).map(JsonNode.class::cast)));
  }
}
