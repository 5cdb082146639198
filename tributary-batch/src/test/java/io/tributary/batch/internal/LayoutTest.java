package io.tributary.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class LayoutTest {

  private static Map<String, Object> values(Layout.Placement placement) {
    Map<String, Object> values = new LinkedHashMap<>();
    placement.partitions().forEach((k, v) -> values.put(k, v.value()));
    return values;
  }

  @Test
  void filesDirectlyUnderTheSourceFormTheSourceTable() {
    Layout.Placement placement = Layout.place("catalog", "shows.csv");
    assertThat(placement.table()).isEqualTo("catalog");
    assertThat(placement.partitions()).isEmpty();
  }

  @Test
  void aSubFolderFormsItsOwnTable() {
    assertThat(Layout.place("catalog", "Creator Profiles/a.json").table())
        .isEqualTo("catalog_creator_profiles");
    assertThat(Layout.place("show-catalog", "x.csv").table()).isEqualTo("show_catalog");
    assertThat(Layout.place("catalog", "a/b/c.csv").table()).isEqualTo("catalog_a_b");
  }

  @Test
  void keyValueFoldersArePartitionColumns() {
    Layout.Placement placement = Layout.place("catalog", "Region=EU/dt=2026-11-26/f.csv");
    assertThat(placement.table()).isEqualTo("catalog");
    assertThat(values(placement))
        .containsExactly(Map.entry("region", "EU"), Map.entry("dt", "2026-11-26"));
    assertThat(placement.partitions().get("region").type()).isEqualTo(Types.StringType.get());
  }

  @Test
  void dateShapedFoldersAreYearMonthDayHour() {
    Layout.Placement placement = Layout.place("events", "clicks/2026/11/26/13/part-1.json");
    assertThat(placement.table()).isEqualTo("events_clicks");
    assertThat(values(placement))
        .containsExactly(
            Map.entry("year", 2026),
            Map.entry("month", 11),
            Map.entry("day", 26),
            Map.entry("hour", 13));
    assertThat(placement.partitions().get("year").type()).isEqualTo(Types.IntegerType.get());
  }

  @Test
  void anIsoDateFolderIsADateColumn() {
    Layout.Placement placement = Layout.place("profiles", "2026-11-26/users.json");
    assertThat(placement.table()).isEqualTo("profiles");
    assertThat(values(placement)).containsExactly(Map.entry("date", LocalDate.of(2026, 11, 26)));
    assertThat(placement.partitions().get("date").type()).isEqualTo(Types.DateType.get());
  }

  @Test
  void numbersOutOfRangeEndTheDateChain() {
    Layout.Placement placement = Layout.place("events", "2026/13/f.csv");
    assertThat(values(placement)).containsExactly(Map.entry("year", 2026));
    assertThat(placement.table()).isEqualTo("events_13");
  }

  @Test
  void emptyPartitionValueIsNull() {
    Layout.Placement placement = Layout.place("s", "k=/f.csv");
    assertThat(placement.partitions().get("k").value()).isNull();
  }

  @Test
  void placementDoesNotDependOnTheFileName() {
    assertThat(Layout.place("s", "a=1/x.csv")).isEqualTo(Layout.place("s", "a=1/y.json"));
  }
}
