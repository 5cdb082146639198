package io.tributary.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardParserTest {
  static final String VALID =
      """
      title: Live now
      description: Listeners per show
      refresh: 10s
      filters:
        - name: period
          type: date-range
          default: 1h
        - name: show
          type: choice
          values-sql: SELECT DISTINCT show_id FROM raw.app_events
        - { name: category, type: text, label: Category }
      tiles:
        - id: listeners
          title: Listeners per show
          chart: line
          sql: >-
            SELECT minute, show_id, listeners FROM x
            WHERE ts >= $start AND ts < $end AND ($show = '' OR show_id = $show)
          options: { x: minute, y: listeners, series: show_id, drill: { filter: show, column: show_id } }
          layout: { x: 0, y: 0, w: 12, h: 4 }
        - id: total
          chart: big-number
          sql: SELECT 1 AS now, 2 AS before
          options: { value: now, compare: before }
      """;

  static Dashboard parse(String text) {
    return DashboardParser.parse("live", text, Dashboard.Origin.FILE, "dashboards/live.yaml");
  }

  @Test
  void parsesEveryPart() {
    Dashboard dashboard = parse(VALID);
    assertThat(dashboard.title()).isEqualTo("Live now");
    assertThat(dashboard.refresh()).isEqualTo(Duration.ofSeconds(10));
    assertThat(dashboard.filters())
        .extracting(Dashboard.Filter::name, Dashboard.Filter::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("period", FilterType.DATE_RANGE),
            org.assertj.core.groups.Tuple.tuple("show", FilterType.CHOICE),
            org.assertj.core.groups.Tuple.tuple("category", FilterType.TEXT));
    assertThat(dashboard.filter("category").orElseThrow().label()).isEqualTo("Category");
    Dashboard.Tile tile = dashboard.tile("listeners").orElseThrow();
    assertThat(tile.chart()).isEqualTo(ChartType.LINE);
    assertThat(tile.options().y()).containsExactly("listeners");
    assertThat(tile.options().drillFilter()).isEqualTo("show");
    assertThat(tile.layout()).isEqualTo(new Dashboard.Layout(0, 0, 12, 4));
    assertThat(tile.line()).isEqualTo(13);
    Dashboard.Tile total = dashboard.tile("total").orElseThrow();
    assertThat(total.title()).isEqualTo("total");
    assertThat(total.layout()).isEqualTo(new Dashboard.Layout(6, 0, 6, 4));
  }

  @Test
  void jsonIsAcceptedToo() {
    Dashboard dashboard =
        parse(
            "{\"title\": \"T\", \"tiles\": [{\"id\": \"a\", \"chart\": \"table\","
                + " \"sql\": \"SELECT 1\"}]}");
    assertThat(dashboard.tiles()).hasSize(1);
  }

  @Test
  void anUnknownChartTypeNamesFileLineAndKey() {
    assertThatThrownBy(() -> parse(VALID.replace("chart: big-number", "chart: pies")))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageStartingWith("dashboards/live.yaml:22: tiles[1].chart: tile 'total'")
        .hasMessageContaining("unknown chart type 'pies'")
        .hasMessageContaining("big-number");
  }

  @Test
  void aMissingOptionIsRefused() {
    assertThatThrownBy(() -> parse(VALID.replace("options: { value: now, compare: before }", "")))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageContaining("dashboards/live.yaml:")
        .hasMessageContaining("'value' is missing");
  }

  @Test
  void anUnknownFilterReferencedIsRefused() {
    assertThatThrownBy(() -> parse(VALID.replace("show_id = $show", "show_id = $shows")))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageStartingWith(
            "dashboards/live.yaml:16: tiles[0].sql: unknown filter referenced: $shows");
    assertThatThrownBy(() -> parse(VALID.replace("filter: show,", "filter: nope,")))
        .hasMessageContaining("tiles[0].options.drill.filter")
        .hasMessageContaining("unknown filter 'nope' referenced");
  }

  @Test
  void unknownKeysDuplicatesAndBadYamlAreRefused() {
    assertThatThrownBy(() -> parse(VALID.replace("refresh: 10s", "refresh: 10s\ncolour: red")))
        .hasMessageStartingWith("dashboards/live.yaml:4: colour: unknown key 'colour'");
    assertThatThrownBy(() -> parse(VALID.replace("id: total", "id: listeners")))
        .hasMessageContaining("duplicate tile id 'listeners'");
    assertThatThrownBy(() -> parse("title: [unclosed\ntiles: x"))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> parse(VALID.replace("refresh: 10s", "refresh: soon")))
        .hasMessageStartingWith("dashboards/live.yaml:3: refresh: invalid duration 'soon'");
    assertThatThrownBy(() -> parse(VALID.replace("default: 1h", "default: yesterday")))
        .hasMessageContaining("filters[0].default");
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void placeholdersBecomePositionalParametersOutsideLiterals() {
    TileSql sql =
        TileSql.of(
            "SELECT '$show', \"$end\", $$ $start $$ -- $x\n"
                + "FROM t /* $y */ WHERE a = $show AND b > $start AND c = $show");
    assertThat(sql.names()).isEqualTo(List.of("show", "start"));
    assertThat(sql.sql())
        .isEqualTo(
            "SELECT '$show', \"$end\", $$ $start $$ -- $x\n"
                + "FROM t /* $y */ WHERE a = $1 AND b > $2 AND c = $1");
    assertThatThrownBy(() -> TileSql.of("SELECT $1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positional parameter $1");
  }

  @Test
  void dateRanges() {
    java.time.Instant now = java.time.Instant.parse("2026-12-05T10:00:00Z");
    assertThat(FilterValues.parseRange("1h", now)[0].toInstant())
        .isEqualTo(java.time.Instant.parse("2026-12-05T09:00:00Z"));
    java.time.OffsetDateTime[] days = FilterValues.parseRange("2026-12-01..2026-12-02", now);
    assertThat(days[0].toInstant()).isEqualTo(java.time.Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(days[1].toInstant()).isEqualTo(java.time.Instant.parse("2026-12-03T00:00:00Z"));
    assertThatThrownBy(() -> FilterValues.parseRange("2026-12-02..2026-12-01", now))
        .hasMessageContaining("ends before it starts");
  }
}
