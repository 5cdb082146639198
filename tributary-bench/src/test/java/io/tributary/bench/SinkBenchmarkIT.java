package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SinkBenchmarkIT {
  @Test
  void measuresEveryStepPerRow() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, "UTF-8"));
    try {
      exit =
          new CommandLine(new SinkBenchmark())
              .execute("--rows", "25000", "--rounds", "2", "--json");
    } finally {
      System.setOut(stdout);
    }

    assertThat(exit).isZero();
    JsonNode result = new ObjectMapper().readTree(out.toString("UTF-8"));
    assertThat(result.get("rows").asInt()).isEqualTo(25_000);
    assertThat(result.get("rounds_measured").asInt()).isEqualTo(1);
    for (String step : new String[] {"parse", "prepare", "write_commit", "total"}) {
      assertThat(result.get(step + "_cpu_us_per_row").asDouble()).as(step).isPositive();
    }
    assertThat(result.get("rows_per_s").asLong()).isPositive();
  }

  @Test
  void tooFewRowsOrRoundsIsRefusedWithTheOptionsNamed() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new SinkBenchmark());
    cli.setErr(new PrintWriter(err));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println(e.getMessage());
          return 1;
        });

    assertThat(cli.execute("--rows", "10", "--rounds", "1")).isEqualTo(1);
    assertThat(err.toString()).contains("--rows must be at least 25000", "--rounds at least 2");
  }
}
