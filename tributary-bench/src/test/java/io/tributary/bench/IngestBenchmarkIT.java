package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench ingest --quick}: every phase runs, including Iceberg's Kafka Connect sink in its
 * child JVM (from the jars the build copied), and each delivery side commits every event exactly
 * once (the benchmark checks it and fails otherwise), so the peer cannot rot; with {@code
 * --access-cost}, end to end also runs on a twin platform with access off.
 */
class IngestBenchmarkIT {
  @Test
  void quickRunDeliversEveryEventExactlyOnceOnBothSides() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, "UTF-8"));
    try {
      exit = new CommandLine(new IngestBenchmark()).execute("--quick", "--access-cost", "--json");
    } finally {
      System.setOut(stdout);
    }

    assertThat(exit).isZero();
    String json = // the JSON object is the last line: platform logs may come before it
        out.toString("UTF-8").lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
    JsonNode result = new ObjectMapper().readTree(json);
    assertThat(result.get("events").asLong()).isEqualTo(5_000);
    assertThat(result.get("rounds").asInt()).isEqualTo(1);
    assertThat(result.get("rows_checked_exactly_once").asLong()).isEqualTo(10_000);
    for (String figure :
        new String[] {
          "connect_sink_rows_per_s",
          "delivery_rows_per_s",
          "pipeline_bound_events_per_s",
          "end_to_end_events_per_s",
          "connect_sink_cpu_us_per_row",
          "connect_worker_cpu_us_per_row",
          "delivery_cpu_us_per_row",
          "end_to_end_cpu_vs_producer_plus_writer"
        }) {
      assertThat(result.get(figure).asDouble()).as(figure).isPositive();
      assertThat(result.get(figure + "_min").asDouble()).as(figure).isPositive();
    }
    for (String figure :
        new String[] {
          "e2e_access_on_events_per_s", "e2e_access_off_events_per_s", "e2e_access_on_vs_off"
        }) {
      assertThat(result.get(figure).asDouble()).as(figure).isPositive();
    }
  }

  @Test
  void missingPeerJarsSayHowToBuildThem(@TempDir Path empty) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new IngestBenchmark());
    cli.setErr(new PrintWriter(err));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println(e.getMessage());
          return 1;
        });

    assertThat(cli.execute("--quick", "--connect-peer", empty.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "Kafka Connect peer's jars are missing in " + empty, "-pl tributary-bench-connect");
  }
}
