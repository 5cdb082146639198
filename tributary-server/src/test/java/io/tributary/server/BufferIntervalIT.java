package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffer interval is honoured: rows become visible after it, not before, and soon after; and a
 * graceful stop flushes what is buffered instead of waiting for the interval.
 */
class BufferIntervalIT {
  @TempDir Path dir;

  @Test
  void flushesWhenTheIntervalHasPassedSinceTheFirstBufferedRecord() {
    try (Platform platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: timed
                    partitions: 1
                    buffer: { interval: 3s }
                """),
            Clock.systemUTC())) {
      Http http = Http.admin(platform);
      // warm up: the first commit creates the table
      http.ndjson("timed", "{\"n\":0}");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> http.count("SELECT count(*) FROM raw.timed") == 1);

      Instant acked = Instant.now();
      assertThat(http.ndjson("timed", "{\"n\":1}").status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> http.count("SELECT count(*) FROM raw.timed") == 2);
      Instant committed = platform.delivery().status("timed").orElseThrow().lastCommitAt();
      Duration waited = Duration.between(acked, committed);
      assertThat(waited).isBetween(Duration.ofMillis(2800), Duration.ofMillis(3000 + 2500));
    }
  }

  @Test
  void closingThePlatformFlushesTheBuffer() {
    String streams =
        """
          - name: slow
            partitions: 2
            buffer: { interval: 900s }
        """;
    var config = TestConfigs.config(dir, streams);
    try (Platform platform = Platform.start(config, Clock.systemUTC())) {
      Http http = Http.admin(platform);
      assertThat(
              http.ndjson("slow", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}")
                  .body()
                  .path("accepted")
                  .asInt())
          .isEqualTo(3);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> platform.delivery().status("slow").orElseThrow().buffered() == 3);
      assertThat(http.get("/v1/tables/raw.slow").status()).isEqualTo(404);
    }
    try (Platform platform = Platform.start(config, Clock.systemUTC())) {
      Http http = Http.admin(platform);
      assertThat(http.count("SELECT count(*) FROM raw.slow")).isEqualTo(3);
    }
  }
}
