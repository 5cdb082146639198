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

  /** A sink that refuses while the lake is "down", then records what it takes. */
  private static final class FlakySink implements AuditLog.Appender {
    final java.util.concurrent.atomic.AtomicBoolean down =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    final java.util.List<AuditEvent> taken = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void append(java.util.List<AuditEvent> events) {
      if (down.get()) {
        throw new IllegalStateException("Cannot connect to the catalog database");
      }
      taken.addAll(events);
    }
  }

  @Test
  void whileTheLakeIsDownMemoryStaysBoundedAndTheSpillIsReplayedInOrderWhenItIsBack() {
    FlakySink sink = new FlakySink();
    Path spill = dir.resolve("audit-spill.ndjson");
    java.util.List<AuditEvent> recorded = new java.util.ArrayList<>();
    AuditLog audit = new AuditLog(sink, spill, 50, Duration.ofMillis(20));
    try {
      for (int i = 0; i < 500; i++) {
        recorded.add(event(i));
        audit.record(event(i));
        assertThat(audit.bufferedInMemory()).isLessThanOrEqualTo(50);
      }
      assertThat(spill).isNotEmptyFile();
      sink.down.set(false);
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.taken.size() == 500);
      assertThat(sink.taken).containsExactlyElementsOf(recorded);
      assertThat(spill).isEmptyFile();
      audit.record(event(500));
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.taken.size() == 501);
    } finally {
      audit.close();
    }
  }

  @Test
  void whatTheLakeStillRefusesOnCloseIsReplayedInOrderAtTheNextStart() {
    FlakySink sink = new FlakySink();
    Path spill = dir.resolve("audit-spill.ndjson");
    java.util.List<AuditEvent> recorded = new java.util.ArrayList<>();
    AuditLog audit = new AuditLog(sink, spill, 20, Duration.ofHours(1));
    for (int i = 0; i < 100; i++) {
      recorded.add(event(i));
      audit.record(event(i));
    }
    audit.close(); // memory's 20 (the oldest) go ahead of the 80 spilled

    FlakySink back = new FlakySink();
    back.down.set(false);
    AuditLog restarted = new AuditLog(back, spill, 20, Duration.ofMillis(20));
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> back.taken.size() == 100);
      assertThat(back.taken).containsExactlyElementsOf(recorded);
    } finally {
      restarted.close();
    }
    assertThat(spill).isEmptyFile();
  }

  @Test
  void eventsAreAppendedEveryIntervalAndTheRestOnClose() {
    try (Lake lake = lake()) {
      AuditLog audit =
          new AuditLog(lake, dir.resolve("audit-spill.ndjson"), Duration.ofMillis(100));
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
