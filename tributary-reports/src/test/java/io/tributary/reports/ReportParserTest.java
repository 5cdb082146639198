package io.tributary.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ReportParserTest {
  private final ReportParser parser =
      new ReportParser(
          sql -> {
            if (sql.contains("SELEKT")) {
              throw new InvalidInputException(ErrorCode.QUERY_ERROR, "syntax error at SELEKT");
            }
          });

  private static final String VALID =
      """
      name: daily-flash
      title: "Daily flash {{ ds }}"
      params: {region: eu}
      skip-when-empty: true
      sections:
        - title: Listeners
          chart: big-number
          sql: "SELECT 1 AS listeners, 2 AS before WHERE '{{ params.region }}' = 'eu'"
          y: listeners
          deltas: {vs day before: before}
        - title: Top shows
          chart: bar
          sql: SELECT 'a' AS show, 3 AS listens
          x: show
          y: [listens]
        - chart: table
          sql: SELECT 1
          max-rows: 5
      deliver:
        - email: {to: [ops@example.com, "CEO <ceo@example.com>"], subject: "Flash {{ ds }}"}
        - webhook: {url: "https://hooks.example.com/flash"}
        - folder: {}
        - folder: archive
      """;

  @Test
  void readsEveryPart() {
    ReportSpec spec = parser.parse(VALID, "flash.yaml", null);
    assertThat(spec.name()).isEqualTo("daily-flash");
    assertThat(spec.skipWhenEmpty()).isTrue();
    assertThat(spec.params()).containsEntry("region", "eu");
    assertThat(spec.sections()).hasSize(3);
    assertThat(spec.sections().get(0).chart()).isEqualTo(ReportSpec.Chart.BIG_NUMBER);
    assertThat(spec.sections().get(0).deltas()).containsEntry("vs day before", "before");
    assertThat(spec.sections().get(1).x()).contains("show");
    assertThat(spec.sections().get(2).maxRows()).isEqualTo(5);
    assertThat(spec.targets())
        .containsExactly(
            new ReportSpec.Email(
                List.of("ops@example.com", "CEO <ceo@example.com>"), Optional.of("Flash {{ ds }}")),
            new ReportSpec.Webhook(java.net.URI.create("https://hooks.example.com/flash")),
            new ReportSpec.Folder(Optional.empty()),
            new ReportSpec.Folder(Optional.of(java.nio.file.Path.of("archive"))));
  }

  @Test
  void errorsNameFileLineAndKey() {
    assertError(
        VALID.replace("chart: bar", "chart: donut"),
        "flash.yaml, line 12, sections[1].chart: unknown chart 'donut'");
    assertError(
        VALID.replace("SELECT 1\n", "SELEKT 1\n"),
        "line 17, sections[2].sql: syntax error at SELEKT");
    assertError(
        VALID.replace("params.region", "params.country"),
        "line 8, sections[0].sql: unknown template variable 'params.country'");
    assertError(
        VALID.replace("ops@example.com,", "not an address,"),
        "line 20, deliver[0].email.to[0]: 'not an address' is not an e-mail address");
    assertError(
        VALID.replace("https://hooks", "ftp://hooks"),
        "line 21, deliver[1].webhook.url: 'ftp://hooks.example.com/flash' must be an http(s) URL");
    assertError(
        VALID.replace("max-rows: 5", "max-rows: 0"),
        "line 18, sections[2].max-rows: '0' must be 1..10000");
    assertError(
        VALID.replace("skip-when-empty", "skip-if-empty"), "line 4, skip-if-empty: unknown key");
    assertError(
        VALID.replace("y: listeners", "x: listeners"),
        "sections[0].x: big-number sections show one value");
    assertError(VALID.replace("sections:", "sections: 3\nx:"), "unknown key");
    assertError("name: [", "flash.yaml, line 1, column");
    assertError("- a", "the top level must be a mapping");
  }

  @Test
  void nameMustMatchTheFile() {
    assertThatThrownBy(() -> parser.parse(VALID, "other.yaml", "other"))
        .hasMessageContaining("'daily-flash' differs from the report's name 'other'");
  }

  private void assertError(String text, String message) {
    assertThatThrownBy(() -> parser.parse(text, "flash.yaml", null))
        .isInstanceOf(ReportDefinitionException.class)
        .hasMessageContaining(message);
  }

  /** Any text is either a report or refused with a ReportDefinitionException naming the source. */
  @Property(tries = 300, seed = "20261205")
  void anyTextParsesOrIsRefusedWithTheSource(
      @ForAll @StringLength(max = 200) String noise, @ForAll int cut) {
    String text = VALID.substring(0, Math.floorMod(cut, VALID.length())) + noise;
    try {
      ReportSpec spec = parser.parse(text, "fuzz.yaml", null);
      assertThat(spec.sections()).isNotEmpty();
    } catch (ReportDefinitionException e) {
      assertThat(e.getMessage()).startsWith("Invalid report fuzz.yaml");
    }
  }

  private static final io.tributary.core.config.EgressPolicy EGRESS =
      new io.tributary.core.config.EgressPolicy(
          List.of(io.tributary.core.config.EgressPolicy.HostRule.parse("hooks.example.com")),
          java.util.Map.of(),
          java.util.Set.of());

  @Test
  void aWebhookTheEgressPolicyRefusesIsRefusedAtLoadNamingTheUrlAndTheRule() {
    ReportParser checked = new ReportParser(sql -> {}, EGRESS);
    assertThat(checked.parse(VALID, "flash.yaml", null).targets()).hasSize(4);
    assertThatThrownBy(
            () ->
                checked.parse(
                    VALID.replace("hooks.example.com/flash", "evil.example.net/x"),
                    "reports/flash.yaml",
                    null))
        .isInstanceOf(ReportDefinitionException.class)
        .hasMessageStartingWith(
            "Invalid report reports/flash.yaml, line 21, deliver[1].webhook.url:")
        .hasMessageContaining("'https://evil.example.net/x'")
        .hasMessageContaining("rule egress_not_allowed")
        .hasMessageContaining("egress.allowed-hosts [hooks.example.com]");
    assertThatThrownBy(
            () ->
                checked.parse(
                    VALID.replace(
                        "https://hooks.example.com/flash", "http://user@hooks.example.com/"),
                    "PUT /v1/reports/daily-flash",
                    "daily-flash"))
        .hasMessageContaining("PUT /v1/reports/daily-flash, line 21")
        .hasMessageContaining("rule egress_user_info");
  }

  @Test
  void retryIsReadAndValidated() {
    assertThat(parser.parse(VALID, "flash.yaml", null).retry()).isEmpty();
    ReportSpec spec =
        parser.parse(
            VALID + "retry: {attempts: 6, initial-delay: 500ms, max-delay: 10s}\n",
            "flash.yaml",
            null);
    assertThat(spec.retry())
        .contains(
            new Backoff(6, java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(10)));
    assertThat(
            parser
                .parse(VALID + "retry: {attempts: 1}\n", "f", null)
                .retry()
                .orElseThrow()
                .attempts())
        .isEqualTo(1);
    assertThat(
            parser
                .parse(VALID + "retry: {initial-delay: 2m}\n", "f", null)
                .retry()
                .orElseThrow()
                .max())
        .isEqualTo(java.time.Duration.ofMinutes(2));
    assertThatThrownBy(() -> parser.parse(VALID + "retry: {attempts: 0}\n", "f.yaml", null))
        .hasMessageContaining("f.yaml, line 24, retry.attempts");
    assertThatThrownBy(() -> parser.parse(VALID + "retry: {initial-delay: soon}\n", "f.yaml", null))
        .hasMessageContaining("retry.initial-delay: 'soon' is not a duration");
    assertThatThrownBy(
            () ->
                parser.parse(
                    VALID + "retry: {initial-delay: 10s, max-delay: 5s}\n", "f.yaml", null))
        .hasMessageContaining("retry.max-delay: '5s' is shorter than initial-delay (10s)");
    assertThatThrownBy(() -> parser.parse(VALID + "retry: {max-delay: 2h}\n", "f.yaml", null))
        .hasMessageContaining("retry.max-delay: '2h' is out of range");
    assertThatThrownBy(
            () ->
                parser.parse(
                    VALID + "retry: {attempts: 20, initial-delay: 5m, max-delay: 30m}\n",
                    "f.yaml",
                    null))
        .hasMessageContaining("in all (at most 3600s)");
    assertThatThrownBy(() -> parser.parse(VALID + "retry: {tries: 3}\n", "f.yaml", null))
        .hasMessageContaining("tries");
  }
}
