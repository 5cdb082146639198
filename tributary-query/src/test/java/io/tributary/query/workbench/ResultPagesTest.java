package io.tributary.query.workbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.query.QueryResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResultPagesTest {
  private static final List<QueryResult.Column> COLUMNS =
      List.of(new QueryResult.Column("n", "INTEGER"), new QueryResult.Column("s", "VARCHAR"));

  private final MutableClock clock = new MutableClock();
  private final AtomicInteger ids = new AtomicInteger();

  private ResultPages pages(ResultPages.Limits limits) {
    return new ResultPages(limits, clock, () -> "r" + ids.incrementAndGet());
  }

  /** {@code count} rows, counting how many were read. */
  private static Iterator<List<Object>> rows(int count, AtomicInteger read) {
    return IntStream.range(0, count)
        .<List<Object>>mapToObj(
            i -> {
              read.incrementAndGet();
              return List.of(i, "row " + i);
            })
        .iterator();
  }

  @Test
  void pagesThroughAThousandRowsReadOnce() {
    ResultPages pages = pages(ResultPages.Limits.DEFAULTS);
    AtomicInteger read = new AtomicInteger();
    ResultPages.Page first = pages.keep("s1", COLUMNS, rows(1000, read), System.nanoTime(), 100);
    assertThat(first.rows()).hasSize(100);
    assertThat(first.keptRows()).isEqualTo(1000);
    assertThat(first.cut()).isFalse();
    assertThat(first.hasNext()).isTrue();
    List<Object> seen = new ArrayList<>();
    for (int offset = 0; offset < 1000; offset += 100) {
      ResultPages.Page page = pages.page("s1", first.resultId(), offset, 100).orElseThrow();
      page.rows().forEach(row -> seen.add(row.get(0)));
      assertThat(page.hasNext()).isEqualTo(offset + 100 < 1000);
    }
    assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
    assertThat(read).as("the statement's rows are read once").hasValue(1000);
    assertThat(pages.page("s1", first.resultId(), 5000, 100).orElseThrow().rows()).isEmpty();
  }

  @Test
  void anotherSessionCannotReadAResult() {
    ResultPages pages = pages(ResultPages.Limits.DEFAULTS);
    ResultPages.Page first =
        pages.keep("s1", COLUMNS, rows(10, new AtomicInteger()), System.nanoTime(), 5);
    assertThat(pages.page("s2", first.resultId(), 0, 5)).isEmpty();
    assertThat(pages.page("s1", first.resultId(), 5, 5)).isPresent();
  }

  @Test
  void keepsAtMostMaxRowsAndSaysSo() {
    ResultPages pages =
        pages(new ResultPages.Limits(250, 32L << 20, 5, 64L << 20, Duration.ofMinutes(5)));
    AtomicInteger read = new AtomicInteger();
    ResultPages.Page first = pages.keep("s1", COLUMNS, rows(10_000, read), System.nanoTime(), 100);
    assertThat(first.keptRows()).isEqualTo(250);
    assertThat(first.cut()).isTrue();
    assertThat(first.cutReason()).contains("first 250 rows");
    assertThat(read.get()).as("stops reading past the bound").isEqualTo(251);
  }

  @Test
  void keepsAtMostTheSessionsBytes() {
    ResultPages pages =
        pages(new ResultPages.Limits(1_000_000, 64 * 1024, 5, 1 << 20, Duration.ofMinutes(5)));
    AtomicInteger read = new AtomicInteger();
    ResultPages.Page first =
        pages.keep("s1", COLUMNS, rows(1_000_000, read), System.nanoTime(), 100);
    assertThat(first.cut()).isTrue();
    assertThat(first.cutReason()).contains("MiB per session");
    assertThat(first.keptRows()).isBetween(100, 1000);
    assertThat(pages.bytes()).isLessThanOrEqualTo(64 * 1024);
    assertThat(read.get()).isEqualTo(first.keptRows() + 1);
  }

  @Test
  void aNewResultDropsTheSessionsOldestBeyondItsCountAndBytes() {
    ResultPages pages =
        pages(new ResultPages.Limits(1_000, 1 << 20, 2, 4 << 20, Duration.ofMinutes(5)));
    String a = pages.keep("s1", COLUMNS, rows(10, new AtomicInteger()), 0, 5).resultId();
    String b = pages.keep("s1", COLUMNS, rows(10, new AtomicInteger()), 0, 5).resultId();
    String other = pages.keep("s2", COLUMNS, rows(10, new AtomicInteger()), 0, 5).resultId();
    String c = pages.keep("s1", COLUMNS, rows(10, new AtomicInteger()), 0, 5).resultId();
    assertThat(pages.page("s1", a, 0, 5)).as("oldest of s1 dropped").isEmpty();
    assertThat(pages.page("s1", b, 0, 5)).isPresent();
    assertThat(pages.page("s1", c, 0, 5)).isPresent();
    assertThat(pages.page("s2", other, 0, 5)).as("other sessions keep theirs").isPresent();
  }

  @Test
  void theTotalBudgetDropsTheLeastRecentlyReadOfAnySession() {
    ResultPages pages =
        pages(new ResultPages.Limits(1_000_000, 40 * 1024, 5, 100 * 1024, Duration.ofMinutes(5)));
    List<String> ids = new ArrayList<>();
    for (int session = 0; session < 6; session++) {
      ids.add(pages.keep("s" + session, COLUMNS, rows(300, new AtomicInteger()), 0, 5).resultId());
      assertThat(pages.bytes()).isLessThanOrEqualTo(100 * 1024);
    }
    assertThat(pages.page("s0", ids.get(0), 0, 5)).isEmpty();
    assertThat(pages.page("s5", ids.get(5), 0, 5)).isPresent();
  }

  @Test
  void aResultUnreadForTheIdleTimeIsDropped() {
    ResultPages pages =
        pages(new ResultPages.Limits(1_000, 1 << 20, 5, 4 << 20, Duration.ofMinutes(15)));
    String id = pages.keep("s1", COLUMNS, rows(10, new AtomicInteger()), 0, 5).resultId();
    clock.advance(Duration.ofMinutes(14));
    assertThat(pages.page("s1", id, 0, 5)).as("reading renews it").isPresent();
    clock.advance(Duration.ofMinutes(14));
    assertThat(pages.page("s1", id, 5, 5)).isPresent();
    clock.advance(Duration.ofMinutes(15));
    assertThat(pages.page("s1", id, 0, 5)).isEmpty();
    assertThat(pages.size()).isZero();
    assertThat(pages.bytes()).isZero();
  }

  @Test
  void droppingASessionFreesItsResults() {
    ResultPages pages = pages(ResultPages.Limits.DEFAULTS);
    String id = pages.keep("s1", COLUMNS, rows(10, new AtomicInteger()), 0, 5).resultId();
    pages.keep("s2", COLUMNS, rows(10, new AtomicInteger()), 0, 5);
    pages.dropSession("s1");
    assertThat(pages.page("s1", id, 0, 5)).isEmpty();
    assertThat(pages.size()).isOne();
  }

  @Test
  void limitsAndPageSizesAreChecked() {
    assertThatThrownBy(() -> new ResultPages.Limits(0, 1 << 20, 1, 1 << 20, Duration.ofMinutes(1)))
        .hasMessageContaining("maxRows: 0");
    assertThatThrownBy(() -> new ResultPages.Limits(1, 1 << 20, 1, 1 << 10, Duration.ofMinutes(1)))
        .hasMessageContaining("maxBytesTotal");
    ResultPages pages = pages(ResultPages.Limits.DEFAULTS);
    assertThatThrownBy(() -> pages.page("s", "r", 0, 0)).hasMessageContaining("page size: 0");
    assertThatThrownBy(() -> pages.page("s", "r", -1, 10)).hasMessageContaining("offset: -1");
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-05T09:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
