package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.Caller;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dir;

  private Lake lake() {
    return Lake.open(
        new TributaryConfig.Catalog(
            "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")),
        Clock.systemUTC());
  }

  private static AuditEvent event(int i) {
    return AuditEvent.of(
        Instant.parse("2026-12-01T00:00:00Z").plusSeconds(i),
        new Caller("ana", "10.0.0." + i),
        "secret.read",
        "secret:s" + i,
        Outcome.SUCCESS,
        "");
  }

  private static long rows(Lake lake) {
    return lake.loadTable(AuditLog.TABLE).isPresent()
        ? lake.describe(AuditLog.TABLE).totalRows()
        : 0;
  }

  @Test
  void eventsAreAppendedEveryIntervalAndTheRestOnClose() {
    try (Lake lake = lake()) {
      AuditLog audit = new AuditLog(lake, Duration.ofMillis(100));
      for (int i = 0; i < 3; i++) {
        audit.record(event(i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> rows(lake) == 3);
      for (int i = 3; i < 250; i++) {
        audit.record(event(i));
      }
      audit.close();

      assertThat(rows(lake)).isEqualTo(250);
      assertThat(lake.describe(AuditLog.TABLE).columns())
          .extracting(c -> c.name() + " " + c.type())
          .containsExactly(
              "time timestamptz",
              "principal string",
              "action string",
              "resource string",
              "outcome string",
              "client_address string",
              "detail string");
      assertThat(lake.describe(AuditLog.TABLE).partitionSpec()).containsExactly("day(time)");
    }
  }
}
