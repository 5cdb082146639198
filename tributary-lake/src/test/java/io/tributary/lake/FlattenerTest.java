package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.tributary.core.config.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlattenerTest {
  private final Flattener flatten = new Flattener(StreamSpec.Transform.FLATTEN);
  private final Flattener none = new Flattener(StreamSpec.Transform.NONE);

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> row(Flattener flattener, String json) {
    return flattener.flatten(bytes(json)).orElseThrow();
  }

  private static Rejection rejection(Flattener flattener, String json) {
    Flattener.Flattened flattened = flattener.flatten(bytes(json));
    assertThat(flattened.isRejected()).as("rejected: %s", json).isTrue();
    return flattened.rejection();
  }

  @Test
  void flattensNestedObjectsAndKeepsArraysAsJson() {
    assertThat(
            row(
                flatten,
                "{\"event\":\"play\",\"device\":{\"os\":\"ios\",\"app\":{\"version\":\"1.2\"}},"
                    + "\"tags\":[1, {\"a\": 2}],\"n\":null,\"e\":{}}"))
        .containsExactly(
            entry("event", "play"),
            entry("device_os", "ios"),
            entry("device_app_version", "1.2"),
            entry("tags", "[1,{\"a\":2}]"),
            entry("n", null));
  }

  @Test
  void modeNoneKeepsNestedObjectsAsJson() {
    assertThat(row(none, "{\"device\":{\"os\":\"ios\"},\"x\":1}"))
        .containsExactly(entry("device", "{\"os\":\"ios\"}"), entry("x", 1L));
  }

  @Test
  void mapsJsonScalarsToJavaTypes() {
    Map<String, Object> row =
        row(
            flatten,
            "{\"i\":42,\"f\":1.5,\"b\":true,\"s\":\"x\",\"neg\":-9223372036854775808,"
                + "\"max\":9223372036854775807,\"exp\":1e3,\"arr\":[1e400, 123456789012345678901]}");
    assertThat(row)
        .containsExactly(
            entry("i", 42L),
            entry("f", 1.5),
            entry("b", true),
            entry("s", "x"),
            entry("neg", Long.MIN_VALUE),
            entry("max", Long.MAX_VALUE),
            entry("exp", 1000.0),
            entry("arr", "[1e400,123456789012345678901]"));
  }

  @Test
  void numbersBeyondLongOrDoubleRejectTheRecord() {
    for (String json :
        List.of(
            "{\"big\":123456789012345678901234567890}",
            "{\"big\":9223372036854775808}",
            "{\"a\":{\"big\":-9223372036854775809}}",
            "{\"inf\":1e400}",
            "{\"inf\":-1e400}",
            "{\"long\":" + "9".repeat(2_000) + "}",
            "{\"long\":0." + "1".repeat(2_000) + "}")) {
      Rejection rejection = rejection(flatten, json);
      assertThat(rejection.code()).isEqualTo("number_out_of_range");
      assertThat(rejection.reason()).contains("send it as a string");
    }
  }

  @Test
  void keepsUnicodeLettersAndMarksLowerCased() {
    assertThat(
            row(
                flatten,
                "{\"日本語\":1,\"Привет\":2,\"مرحبا\":3,\"हिन्दी\":4,\"Héllo World\":5,\"9lives\":6,"
                    + "\"🎉x\":7}"))
        .containsExactly(
            entry("日本語", 1L),
            entry("привет", 2L),
            entry("مرحبا", 3L),
            entry("हिन्दी", 4L),
            entry("héllo_world", 5L),
            entry("_9lives", 6L),
            entry("_x", 7L)); // an emoji is one code point: one '_'
    assertThat(row(flatten, "{\"\":1}")).containsExactly(entry("_", 1L));
  }

  @Test
  void differentKeyPathsOfOneNameInOneRecordRejectIt() {
    for (String json :
        List.of(
            "{\"a.b\":1,\"a\":{\"b\":2}}",
            "{\"a_b\":3,\"A_B\":4}",
            "{\"a-b\":5,\"a_b\":3}",
            "{\"userId\":1,\"userid\":2}",
            "{\"日本\":1,\"日本 \":2,\"日本_\":3}")) {
      Rejection rejection = rejection(flatten, json);
      assertThat(rejection.code()).isEqualTo("column_collision");
      assertThat(rejection.reason()).contains("both map to column");
    }
  }

  @Test
  void aColumnKeepsTheKeyPathItWasFirstGiven() {
    Flattener flattener = new Flattener(StreamSpec.Transform.FLATTEN);
    Map<String, String> known = new HashMap<>();
    known.put("a_b", "/a/b");
    known.put("legacy", null);
    flattener.knowColumns(known);
    assertThat(row(flattener, "{\"a\":{\"b\":2}}")).containsExactly(entry("a_b", 2L));
    for (String json : List.of("{\"a.b\":1}", "{\"a_b\":3}", "{\"A_B\":4}", "{\"a-b\":5}")) {
      Rejection rejection = rejection(flattener, json);
      assertThat(rejection.code()).isEqualTo("column_collision");
      assertThat(rejection.reason()).contains("which holds the values of key /a/b");
    }
    // a column without a recorded path takes any
    assertThat(row(flattener, "{\"Legacy\":1}")).containsExactly(entry("legacy", 1L));
    // a new column takes the path of the first row that has it
    assertThat(row(flattener, "{\"c-d\":1}")).containsExactly(entry("c_d", 1L));
    assertThat(flattener.pathOf("c_d")).isEqualTo("/c-d");
    assertThat(rejection(flattener, "{\"c\":{\"d\":1}}").code()).isEqualTo("column_collision");
  }

  @Test
  void pathsAreJsonPointersAndDocsRecordThem() {
    Flattener flattener = new Flattener(StreamSpec.Transform.FLATTEN);
    row(flattener, "{\"a/b\":{\"c~d\":1}}");
    assertThat(flattener.pathOf("a_b_c_d")).isEqualTo("/a~1b/c~0d");
    assertThat(Flattener.pathOfDoc(Flattener.docOf("/a~1b/c~0d"))).isEqualTo("/a~1b/c~0d");
    assertThat(Flattener.pathOfDoc("a doc a user wrote")).isNull();
    assertThat(Flattener.pathOfDoc(null)).isNull();
  }

  @Test
  void reservedColumnsRejectTheRecord() {
    Flattener flattener =
        new Flattener(
            StreamSpec.Transform.FLATTEN, Flattener.Limits.DEFAULT, Set.of("_ingested_at"));
    for (String json :
        List.of("{\"_ingested_at\":\"x\"}", "{\"_INGESTED_AT\":1}", "{\"_ingested\":{\"at\":1}}")) {
      assertThat(rejection(flattener, json).code()).isEqualTo("reserved_column");
    }
  }

  @Test
  void duplicateKeysRejectTheRecord() {
    Rejection rejection = rejection(flatten, "{\"a\":{\"x\":1},\"b\":2,\"a\":3}");
    assertThat(rejection.code()).isEqualTo("duplicate_key");
    assertThat(rejection.reason()).contains("'a'");
    assertThat(rejection(flatten, "{\"o\":{\"k\":1,\"k\":1}}").code()).isEqualTo("duplicate_key");
    // inside values kept as JSON text: arrays, and objects when not flattening
    assertThat(rejection(flatten, "{\"l\":[1,{\"k\":1,\"k\":2}]}").code())
        .isEqualTo("duplicate_key");
    Flattener whole = new Flattener(StreamSpec.Transform.NONE);
    assertThat(rejection(whole, "{\"o\":{\"p\":{\"k\":1,\"k\":2}}}").code())
        .isEqualTo("duplicate_key");
    assertThat(rejection(whole, "{\"o\":1,\"o\":{}}").reason())
        .isEqualTo("Duplicate key: 'o' twice in the record");
    assertThat(rejection(flatten, "{\"o\":{\"k\":1,\"k\":{}}}").reason())
        .isEqualTo("Duplicate key: 'k' twice in the object at /o");
    // the same key in two objects, and in the next document, is no duplicate
    for (int i = 0; i < 2; i++) {
      assertThat(
              flatten
                  .flatten(
                      "{\"a\":{\"k\":1},\"b\":{\"k\":2},\"l\":[{\"k\":1},{\"k\":2}]}"
                          .getBytes(StandardCharsets.UTF_8))
                  .isRejected())
          .isFalse();
    }
  }

  @Test
  void malformedAndNonObjectDocumentsAreRejected() {
    for (String text :
        List.of("{\"a\":", "{\"a\" 1}", "{\"a\":[1,}", "{\"a\":tru}", "{\"a\":1} x")) {
      assertThat(rejection(flatten, text).code()).as(text).isEqualTo("invalid_json");
    }
    for (String text : List.of("", " ", "[1]", "\"x\"", "1", "null", "[1, 2")) {
      assertThat(rejection(flatten, text).code()).as(text).isEqualTo("not_an_object");
    }
  }

  @Test
  void tooDeepRecordsAreRejectedWithTheLimit() {
    Flattener flattener =
        new Flattener(StreamSpec.Transform.FLATTEN, new Flattener.Limits(100, 50), Set.of());
    assertThat(row(flattener, nested(50, "{\"x\":1}"))).hasSize(1);
    Rejection rejection = rejection(flattener, nested(51, "{\"x\":1}"));
    assertThat(rejection.code()).isEqualTo("too_deep");
    assertThat(rejection.reason()).contains("50 levels");
    assertThat(rejection(flattener, "{\"a\":" + "[".repeat(60) + "]".repeat(60) + "}").code())
        .isEqualTo("too_deep");
    // the deepest limit allowed, on a thread with the default stack
    Flattener deepest =
        new Flattener(
            StreamSpec.Transform.FLATTEN,
            new Flattener.Limits(10, Flattener.Limits.MAX_DEPTH),
            Set.of());
    assertThat(row(deepest, nested(Flattener.Limits.MAX_DEPTH, "{\"x\":1}"))).hasSize(1);
    assertThat(rejection(deepest, nested(Flattener.Limits.MAX_DEPTH + 1, "{\"x\":1}")).code())
        .isEqualTo("too_deep");
  }

  /** {@code levels} objects, the innermost being {@code inner}. */
  private static String nested(int levels, String inner) {
    return "{\"k\":".repeat(levels - 1) + inner + "}".repeat(levels - 1);
  }

  @Test
  void tooManyKeysRejectTheRecordWithTheLimit() {
    Flattener flattener =
        new Flattener(StreamSpec.Transform.FLATTEN, new Flattener.Limits(1_000, 100), Set.of());
    assertThat(row(flattener, keys(1_000))).hasSize(1_000);
    Rejection rejection = rejection(flattener, keys(100_000));
    assertThat(rejection.code()).isEqualTo("too_many_keys");
    assertThat(rejection.reason()).contains("1000");
  }

  private static String keys(int count) {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    return json.append('}').toString();
  }

  @Test
  void manyDistinctKeysStillFlattenCorrectly() {
    Map<String, Object> expected = new HashMap<>();
    for (int i = 0; i < 25_000; i++) {
      expected.clear();
      expected.put("key" + i + "_v", (long) i);
      assertThat(row(flatten, "{\"Key" + i + "\":{\"v\":" + i + "}}")).isEqualTo(expected);
    }
  }
}
