package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import org.junit.jupiter.api.Test;

class TimeTravelTest {
  private static final TableId EVENTS = TableId.parse("raw.app_events");

  @Test
  void replacesEachClauseWithTheSnapshotsView() {
    TimeTravel.Rewritten rewritten =
        TimeTravel.rewrite(
            "SELECT * FROM raw.app_events FOR VERSION AS OF 7 a JOIN \"RAW\".\"app_events\""
                + " for timestamp as of timestamp '2026-11-26 10:00:00 UTC' b ON a.x = b.x");

    assertThat(rewritten.references())
        .extracting(TimeTravel.Reference::table, TimeTravel.Reference::snapshotId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(EVENTS, 7L),
            org.assertj.core.groups.Tuple.tuple(EVENTS, null));
    assertThat(rewritten.references().get(1).asOf())
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(rewritten.resolve(List.of(7L, 9L)))
        .isEqualTo(
            "SELECT * FROM \"raw\".\"app_events@7\" a JOIN \"raw\".\"app_events@9\" b ON a.x = b.x");
  }

  @Test
  void keepsTheTablesNameAsAliasWhenTheQueryGivesNone() {
    TimeTravel.Rewritten rewritten =
        TimeTravel.rewrite(
            "SELECT app_events.x FROM raw.app_events FOR VERSION AS OF 7 WHERE app_events.x > 0"
                + " UNION ALL SELECT 1 FROM (raw.app_events FOR VERSION AS OF 8)");

    assertThat(rewritten.resolve(List.of(7L, 8L)))
        .isEqualTo(
            "SELECT app_events.x FROM \"raw\".\"app_events@7\" AS \"app_events\" WHERE"
                + " app_events.x > 0 UNION ALL SELECT 1 FROM (\"raw\".\"app_events@8\" AS"
                + " \"app_events\")");
  }

  @Test
  void leavesStringsCommentsAndLongerNamesAlone() {
    String sql =
        "SELECT 'raw.t FOR VERSION AS OF 1', \"raw.t FOR VERSION AS OF 1\" -- raw.t FOR VERSION AS OF 1\n"
            + "FROM x.raw.t /* raw.t FOR VERSION AS OF 1 */";

    assertThat(TimeTravel.rewrite(sql).sql()).isEqualTo(sql);
    assertThat(TimeTravel.rewrite(sql).references()).isEmpty();
  }

  @Test
  void readsTimesWithZonesOffsetsAndFractions() {
    assertThat(TimeTravel.instant(EVENTS, "2026-11-26 11:00:00 +01:00"))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(TimeTravel.instant(EVENTS, "2026-11-26 10:00:00.250 UTC"))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00.250Z"));
    assertThat(TimeTravel.instant(EVENTS, "2026-07-01 12:00 Europe/Paris"))
        .isEqualTo(Instant.parse("2026-07-01T10:00:00Z"));
    assertThatThrownBy(() -> TimeTravel.instant(EVENTS, "2026-13-01 00:00:00 UTC"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("raw.app_events")
        .hasMessageContaining("2026-13-01");
  }

  @Property(seed = "42")
  void textWithoutClausesIsUnchanged(
      @ForAll
          @Chars({'\'', '"', '-', '/', '*', '.', ' ', '\n', 'r', 'a', 'w', 't'})
          @CharRange(from = 'a', to = 'e')
          String sql) {
    TimeTravel.Rewritten rewritten = TimeTravel.rewrite(sql);

    assertThat(rewritten.sql()).isEqualTo(sql);
    assertThat(rewritten.references()).isEmpty();
  }
}
