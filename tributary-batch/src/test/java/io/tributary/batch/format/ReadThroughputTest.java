package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sanity print of reading throughput (rows/s, MB/s) for CSV and JSON lines; never a timed
 * assertion. The real benchmark is {@code ./tributary bench crawl}.
 */
class ReadThroughputTest {
  private static final int ROWS = Integer.getInteger("throughput.rows", 100_000);

  @TempDir Path dir;

  @Test
  void csvAndJsonLinesThroughput() throws IOException {
    Path csv = dir.resolve("events.csv");
    Path json = dir.resolve("events.jsonl");
    try (BufferedWriter c = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
        BufferedWriter j = Files.newBufferedWriter(json, StandardCharsets.UTF_8)) {
      c.write("id,user_id,event_type,amount,country,created_at,ok\n");
      for (int i = 0; i < ROWS; i++) {
        String ts = "2026-11-" + (10 + i % 19) + "T" + (10 + i % 13) + ":15:3" + (i % 10) + "Z";
        String amount = (i % 1000) + "." + (10 + i % 90);
        c.write(
            i
                + ","
                + (i * 7919L % 100_000)
                + ",page_view,"
                + amount
                + ",\"FR\","
                + ts
                + ","
                + (i % 3 == 0)
                + "\n");
        j.write(
            "{\"id\":"
                + i
                + ",\"user_id\":"
                + (i * 7919L % 100_000)
                + ",\"event_type\":\"page_view\",\"amount\":"
                + amount
                + ",\"country\":\"FR\",\"created_at\":\""
                + ts
                + "\",\"ok\":"
                + (i % 3 == 0)
                + "}\n");
      }
    }
    FileClassifier classifier = new FileClassifier(SampleLimits.DEFAULT);
    for (Path file : new Path[] {csv, json}) {
      Classification c = classifier.classify(file);
      assertThat(c.known()).isTrue();
      long best = Long.MAX_VALUE;
      for (int round = 0; round < Integer.getInteger("throughput.rounds", 2); round++) {
        long start = System.nanoTime();
        long rows = 0;
        long rejected = 0;
        try (RowReader reader = RowReaders.open(file, c, c.schema())) {
          SourceRow row;
          while ((row = reader.next()) != null) {
            rows++;
            rejected += row.rejected() ? 1 : 0;
          }
        }
        assertThat(rows).isEqualTo(ROWS);
        assertThat(rejected).isZero();
        best = Math.min(best, System.nanoTime() - start);
      }
      double seconds = best / 1e9;
      System.out.printf(
          Locale.ROOT,
          "read %s (%s): %,d rows in %.2f s = %,.0f rows/s, %.1f MB/s%n",
          file.getFileName(),
          c.format(),
          ROWS,
          seconds,
          ROWS / seconds,
          Files.size(file) / seconds / 1e6);
    }
  }
}
