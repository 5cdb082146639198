package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

class RecordSplitterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RecordSplitter splitter = new RecordSplitter(200, 50);

  /** A line and the code it must fail with, or null if it must be accepted. */
  record Line(String text, String expected) {}

  @Provide
  Arbitrary<Line> lines() {
    Arbitrary<Line> objects =
        Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(5),
                Arbitraries.oneOf(
                    Arbitraries.integers().map(Object.class::cast),
                    Arbitraries.strings().ofMaxLength(8).map(Object.class::cast),
                    Arbitraries.just(List.of(1, Map.of("n", "v"))).map(Object.class::cast)))
            .ofMaxSize(4)
            .map(m -> new Line(write(m), null));
    Arbitrary<Line> garbage =
        Arbitraries.oneOf(
                Arbitraries.of("{oops", "{\"a\":}", "nope", "{\"a\":1}}", "{\"a\":1} x", "{'a':1}"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).map(s -> "{" + s))
            .map(s -> new Line(s, "invalid_json"));
    Arbitrary<Line> scalars =
        Arbitraries.of("1", "\"s\"", "null", "true", "[1,2]", "[]", "-2.5e3")
            .map(s -> new Line(s, "not_an_object"));
    Arbitrary<Line> tooLarge =
        Arbitraries.just(new Line("{\"pad\":\"" + "y".repeat(200) + "\"}", "record_too_large"));
    // with the array around a JSON body's records: a record may be 50 levels deep
    Arbitrary<Line> deep =
        Arbitraries.integers()
            .between(1, 80)
            .map(
                n ->
                    new Line(
                        "{\"d\":" + "[".repeat(n) + "\"]\"" + "]".repeat(n) + "}",
                        n + 1 > 50 ? "too_deep" : null));
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(2, deep),
            Tuple.of(6, objects),
            Tuple.of(2, garbage),
            Tuple.of(2, scalars),
            Tuple.of(1, tooLarge)));
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Provide
  Arbitrary<String> blanks() {
    return Arbitraries.of("", " ", "\t", "\r", "  \r");
  }

  @Property(seed = "20260101", tries = 200)
  void ndjsonLinesFailAloneAtTheirIndex(
      @ForAll @Size(max = 25) List<@From("lines") Line> lines,
      @ForAll("blanks") String blank,
      @ForAll boolean crlf) {
    StringBuilder body = new StringBuilder(blank).append('\n');
    for (Line line : lines) {
      body.append(line.text()).append(crlf ? "\r\n" : "\n").append(blank).append('\n');
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    RecordSplitter.Slices slices = splitter.splitLines(bytes, bytes.length);
    assertThat(slices.count()).isEqualTo(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      int start = slices.starts()[i];
      int end = slices.ends()[i];
      assertThat(new String(bytes, start, end - start, StandardCharsets.UTF_8))
          .isEqualTo(lines.get(i).text());
      RecordSplitter.Failure failure = splitter.check(bytes, start, end, slices.parsed());
      assertThat(failure == null ? null : failure.code())
          .as("line %d: %s", i, lines.get(i).text())
          .isEqualTo(lines.get(i).expected());
    }
  }

  @Property(seed = "20260103", tries = 300)
  void checkAllAnswersAsCheckDoesRecordByRecord(
      @ForAll @Size(max = 25) List<@From("mixedLines") String> lines,
      @ForAll("blanks") String blank) {
    byte[] bytes = (String.join("\n" + blank, lines) + "\n").getBytes(StandardCharsets.UTF_8);
    RecordSplitter.Slices slices = splitter.splitLines(bytes, bytes.length);
    RecordSplitter.Failure[] all = splitter.checkAll(bytes, slices);
    assertThat(all).hasSize(slices.count());
    for (int i = 0; i < slices.count(); i++) {
      assertThat(all[i])
          .as("record %d of %s", i, lines)
          .isEqualTo(splitter.check(bytes, slices.starts()[i], slices.ends()[i], false));
    }
  }

  /** Lines of {@link #lines()} and lines that only make sense together, or hide a second value. */
  @Provide
  Arbitrary<String> mixedLines() {
    return Arbitraries.oneOf(
        lines().map(Line::text),
        Arbitraries.of(
            "{\"a\":",
            "1}",
            "\"b\":2}",
            "{\"a\":1} {\"b\":2}",
            "{\"a\":1}{}",
            "\ufeff{\"bom\":1}",
            "{\"s\":\"x",
            "y\"}",
            "{\"n\":1}\t ",
            "{} 1",
            "{\"deep\":[[[{}]]]}"));
  }

  @Property(seed = "20260102", tries = 200)
  void arrayElementsAreFoundExactly(@ForAll @Size(max = 25) List<@From("lines") Line> lines) {
    List<Line> valid = new ArrayList<>();
    for (Line line : lines) {
      if (!"invalid_json".equals(line.expected())) {
        valid.add(line);
      }
    }
    String body =
        "[ "
            + String.join(" ,\n ", valid.stream().map(Line::text).toList())
            + (valid.isEmpty() ? "]" : " ]");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    RecordSplitter.Slices slices = splitter.splitArray(bytes, bytes.length);
    assertThat(slices.count()).isEqualTo(valid.size());
    for (int i = 0; i < valid.size(); i++) {
      int start = slices.starts()[i];
      int end = slices.ends()[i];
      RecordSplitter.Failure failure = splitter.check(bytes, start, end, slices.parsed());
      assertThat(failure == null ? null : failure.code()).isEqualTo(valid.get(i).expected());
      if (failure == null) {
        assertThat(new String(bytes, start, end - start, StandardCharsets.UTF_8))
            .isEqualTo(valid.get(i).text());
      }
    }
  }
}
