package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * The three kinds of table the platform writes, which other engines (Trino in {@link TrinoOnS3IT}
 * and {@link TrinoLocalIT}, Spark in {@link SparkOnS3IT} and {@link SparkTaskIT}) must read: a
 * delivered raw table, its errors table and a table a flow's sql task wrote.
 */
final class EngineTables {
  private static final Duration WAIT = Duration.ofMinutes(4);

  /** The sql task that writes {@code transformed.totals} from {@code raw.events}. */
  private static final String FLOW =
      """
      tasks:
        - id: totals
          type: sql
          sql: SELECT show_id, sum(listened_ms) AS ms FROM raw.events GROUP BY show_id
          target: transformed.totals
          mode: replace
      """;

  private EngineTables() {}

  /**
   * The platform writes {@code raw.events} (three records to the stream {@code events}: show {@code
   * a} 10 + 20 ms, show {@code b} 5 ms), {@code raw.events_errors} (one record that does not fit)
   * and {@code transformed.totals} (a flow's sql task: {@code a} 30, {@code b} 5).
   */
  static void write(Http http) throws Exception {
    http.ndjson(
        "events",
        "{\"show_id\":\"a\",\"listened_ms\":10}\n{\"show_id\":\"a\",\"listened_ms\":20}\n"
            + "{\"show_id\":\"b\",\"listened_ms\":5}\n");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.events") == 3);
    // listened_ms is now a bigint: "abc" lands in raw.events_errors
    http.ndjson("events", "{\"show_id\":\"c\",\"listened_ms\":\"abc\"}\n");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> http.count("SELECT count(*) FROM raw.events_errors") == 1);
    assertThat(http.put("/v1/flows/totals", FLOW).status()).isEqualTo(201);
    http.post("/v1/flows/totals/runs", "application/json", "{}");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> http.count("SELECT count(*) FROM transformed.totals") == 2);
  }
}
