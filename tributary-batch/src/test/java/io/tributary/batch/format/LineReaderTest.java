package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  @Property(seed = "20261126", tries = 500)
  void splitsLikeStringSplit(
      @ForAll
          @StringLength(max = 300)
          @CharRange(from = 'a', to = 'c')
          @CharRange(from = '\n', to = '\n')
          @CharRange(from = '\r', to = '\r')
          String text,
      @ForAll @IntRange(min = 1, max = 40) int max)
      throws IOException {
    List<String> expected = new ArrayList<>();
    List<Boolean> expectedLong = new ArrayList<>();
    String[] parts = text.split("\n", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i == parts.length - 1 && parts[i].isEmpty()) {
        break; // after the last line break
      }
      String line =
          parts[i].endsWith("\r") && i < parts.length - 1
              ? parts[i].substring(0, parts[i].length() - 1)
              : parts[i];
      if (i == parts.length - 1 && line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      boolean tooLong = line.length() > max;
      expected.add(tooLong ? "" : line);
      expectedLong.add(tooLong);
    }
    List<String> actual = new ArrayList<>();
    List<Boolean> actualLong = new ArrayList<>();
    try (LineReader reader = new LineReader(new StringReader(text), max)) {
      String line;
      while ((line = reader.next()) != null) {
        actual.add(line);
        actualLong.add(reader.tooLong());
      }
    }
    assertThat(actualLong).isEqualTo(expectedLong);
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void longLinesAcrossBuffersAreSkipped() throws IOException {
    String big = "x".repeat(200_000);
    try (LineReader reader = new LineReader(new StringReader("a\r\n" + big + "\nb"), 100_000)) {
      assertThat(reader.next()).isEqualTo("a");
      assertThat(reader.next()).isEmpty();
      assertThat(reader.tooLong()).isTrue();
      assertThat(reader.next()).isEqualTo("b");
      assertThat(reader.tooLong()).isFalse();
      assertThat(reader.next()).isNull();
    }
    try (LineReader reader = new LineReader(new StringReader(big + "\r\nc\n"), 300_000)) {
      assertThat(reader.next()).isEqualTo(big);
      assertThat(reader.next()).isEqualTo("c");
      assertThat(reader.next()).isNull();
    }
  }
}
