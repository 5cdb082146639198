package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrawlerSpecTest {

  private static TributaryConfig parse(String crawlers) {
    return TributaryConfig.fromYaml("crawlers:\n" + crawlers, "test");
  }

  @Test
  void minimalFormHasPinnedDefaults() {
    CrawlerSpec spec =
        parse(
                """
                  - name: catalog
                    source: catalog
                """)
            .crawlers()
            .get(0);
    assertThat(spec).isEqualTo(CrawlerSpec.withDefaults("catalog", "catalog"));
    assertThat(spec.namespace()).isEqualTo("raw");
    assertThat(spec.mode()).isEqualTo(CrawlerSpec.Mode.MANUAL);
    assertThat(spec.schedule()).isNull();
    assertThat(spec.sampleRecords()).isEqualTo(10_000);
    assertThat(spec.sampleBytes()).isEqualTo(4 << 20);
    assertThat(spec.grouping()).isEqualTo(CrawlerSpec.Grouping.COMBINE_COMPATIBLE);
    assertThat(spec.onSchemaChange()).isEqualTo(CrawlerSpec.SchemaChangePolicy.UPDATE);
    assertThat(spec.onRemoved()).isEqualTo(CrawlerSpec.RemovalPolicy.DEPRECATE);
    assertThat(spec.filesPerCommit()).isEqualTo(64);
  }

  @Test
  void includeAndExcludeGlobsMustBeRelativeToTheSource() {
    for (String glob :
        List.of("/etc/*", "../secrets/*", "a/../../b", "~/x", "C:/x", "\\\\server\\x", "")) {
      for (String key : List.of("include", "exclude")) {
        String yaml = "  - name: c\n    " + key + ": [\"" + glob.replace("\\", "\\\\") + "\"]\n";
        assertThatThrownBy(() -> parse(yaml))
            .as("%s %s", key, glob)
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("crawler " + key)
            .hasMessageContaining("relative to the source folder");
      }
    }
    assertThat(parse("  - name: c\n    include: [\"shows/**/*.csv\", \"*.json.gz\"]\n").crawlers())
        .hasSize(1);
  }

  @Test
  void sourceDefaultsToTheName() {
    assertThat(parse("  - name: profiles\n").crawlers().get(0).source()).isEqualTo("profiles");
  }

  @Test
  void readsEveryKey() {
    CrawlerSpec spec =
        parse(
                """
                  - name: shows
                    source: show-catalog
                    namespace: landing
                    mode: schedule
                    schedule: 15m
                    sample: { records: 50, bytes: 64KiB }
                    grouping: table-per-schema
                    on-schema-change: log
                    on-removed: delete
                    include: ["**/*.csv"]
                    exclude: ["**/tmp/**"]
                    files-per-commit: 8
                """)
            .crawlers()
            .get(0);
    assertThat(spec.source()).isEqualTo("show-catalog");
    assertThat(spec.namespace()).isEqualTo("landing");
    assertThat(spec.schedule()).isEqualTo(Duration.ofMinutes(15));
    assertThat(spec.sampleRecords()).isEqualTo(50);
    assertThat(spec.sampleBytes()).isEqualTo(64 << 10);
    assertThat(spec.grouping()).isEqualTo(CrawlerSpec.Grouping.TABLE_PER_SCHEMA);
    assertThat(spec.onSchemaChange()).isEqualTo(CrawlerSpec.SchemaChangePolicy.LOG);
    assertThat(spec.onRemoved()).isEqualTo(CrawlerSpec.RemovalPolicy.DELETE);
    assertThat(spec.include()).containsExactly("**/*.csv");
    assertThat(spec.exclude()).containsExactly("**/tmp/**");
    assertThat(spec.filesPerCommit()).isEqualTo(8);
  }

  @Test
  void scheduleImpliesScheduleMode() {
    CrawlerSpec spec = parse("  - { name: a, schedule: 30s }\n").crawlers().get(0);
    assertThat(spec.mode()).isEqualTo(CrawlerSpec.Mode.SCHEDULE);
    assertThat(spec.schedule()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void errorsNameTheKeyAndValue() {
    assertThatThrownBy(() -> parse("  - { name: a, mode: sometimes }\n"))
        .hasMessageContaining("crawlers[0].mode")
        .hasMessageContaining("sometimes");
    assertThatThrownBy(() -> parse("  - { name: a, mode: schedule }\n"))
        .hasMessageContaining("crawlers[0].schedule");
    assertThatThrownBy(() -> parse("  - { name: a, mode: event, schedule: 1m }\n"))
        .hasMessageContaining("crawlers[0].schedule")
        .hasMessageContaining("only allowed with mode: schedule");
    assertThatThrownBy(() -> parse("  - { name: a, source: ../etc }\n"))
        .hasMessageContaining("crawlers[0].source")
        .hasMessageContaining("../etc");
    assertThatThrownBy(() -> parse("  - { name: a, on-removed: shred }\n"))
        .hasMessageContaining("crawlers[0].on-removed")
        .hasMessageContaining("[delete, deprecate, log]");
    assertThatThrownBy(() -> parse("  - { name: a, colour: red }\n"))
        .hasMessageContaining("crawlers[0].colour");
    assertThatThrownBy(() -> parse("  - { name: a }\n  - { name: a }\n"))
        .hasMessageContaining("crawlers")
        .hasMessageContaining("declared twice");
  }

  @Test
  void noCrawlersByDefault() {
    assertThat(TributaryConfig.defaults(Path.of("/tmp/t")).crawlers()).isEqualTo(List.of());
  }
}
