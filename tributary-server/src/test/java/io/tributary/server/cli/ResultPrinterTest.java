package io.tributary.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultPrinterTest {
  private static final String RESULT =
      "{\"columns\":[{\"name\":\"show_id\",\"type\":\"VARCHAR\"},{\"name\":\"n\",\"type\":\"BIGINT\"}],"
          + "\"rows\":[[\"a,b\",2],[null,10]],\"truncated\":false}";

  @Test
  void printsTablesAndCsv() throws Exception {
    var result = new ObjectMapper().readTree(RESULT);
    assertThat(print(result, ResultPrinter.Format.TABLE))
        .contains("| show_id | n  |")
        .contains("| a,b     | 2  |")
        .contains("| NULL    | 10 |")
        .endsWith("2 rows\n");
    assertThat(print(result, ResultPrinter.Format.CSV)).isEqualTo("show_id,n\n\"a,b\",2\n,10\n");
  }

  @Test
  void aTruncatedResultPrintsTheServersNoticeApartFromTheRows() throws Exception {
    var result =
        new ObjectMapper()
            .readTree(
                RESULT
                    .replace("\"truncated\":false", "\"truncated\":true,\"rowLimit\":2")
                    .replace("}]", "}],\"message\":\"Result truncated to the first 2 rows\""));
    ByteArrayOutputStream rows = new ByteArrayOutputStream();
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    ResultPrinter.print(
        result,
        ResultPrinter.Format.CSV,
        new PrintStream(rows, true, StandardCharsets.UTF_8),
        new PrintStream(notices, true, StandardCharsets.UTF_8));
    assertThat(rows.toString(StandardCharsets.UTF_8)).doesNotContain("truncated");
    assertThat(notices.toString(StandardCharsets.UTF_8))
        .isEqualTo("(Result truncated to the first 2 rows)\n");
  }

  private static String print(
      com.fasterxml.jackson.databind.JsonNode result, ResultPrinter.Format format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    ResultPrinter.print(
        result,
        format,
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        new PrintStream(notices, true, StandardCharsets.UTF_8));
    assertThat(notices.size()).as("no notice for a whole result").isZero();
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
