package io.tributary.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class ReportRendererTest {
  private static final String HOSTILE =
      "<script>alert('x')</script> & \"quoted\" <img src=x onerror=1>";

  static ProducedReport report(String title, Object cell) {
    ReportSpec.Section big =
        new ReportSpec.Section(
            "Listeners",
            "SELECT 1",
            ReportSpec.Chart.BIG_NUMBER,
            Optional.empty(),
            List.of("listeners"),
            Map.of("vs day before", "before"),
            50);
    ReportSpec.Section bar =
        new ReportSpec.Section(
            "Top shows",
            "SELECT 1",
            ReportSpec.Chart.BAR,
            Optional.empty(),
            List.of(),
            Map.of(),
            50);
    ReportSpec.Section pie =
        new ReportSpec.Section(
            "Share", "SELECT 1", ReportSpec.Chart.PIE, Optional.empty(), List.of(), Map.of(), 50);
    ReportSpec.Section table =
        new ReportSpec.Section(
            "Rows", "SELECT 1", ReportSpec.Chart.TABLE, Optional.empty(), List.of(), Map.of(), 50);
    ReportSpec spec =
        new ReportSpec("flash", title, Map.of(), List.of(big, bar, pie, table), false, List.of());
    return new ProducedReport(
        spec,
        LocalDate.of(2026, 12, 4),
        title,
        Map.of("ds", "2026-12-04"),
        List.of(
            new ProducedReport.SectionResult(
                big, "Listeners", List.of("listeners", "before"), List.of(List.of(1234L, 1000L))),
            new ProducedReport.SectionResult(
                bar,
                "Top shows",
                List.of("show", "listens"),
                List.of(List.of(cell, 42L), List.of("show_0002", 17L))),
            new ProducedReport.SectionResult(
                pie, "Share", List.of("kind", "n"), List.of(List.of("a", 1), List.of("b", 3))),
            new ProducedReport.SectionResult(
                table,
                "Rows",
                List.of("name", "value"),
                List.of(Arrays.asList(cell, new BigDecimal("0.4567")), Arrays.asList("n", null)))));
  }

  @Test
  void escapesHostileStringsInHtmlAndRendersThePdf() throws IOException {
    RenderedReport rendered =
        new ReportRenderer()
            .render(report(HOSTILE, HOSTILE), Instant.parse("2026-12-05T06:00:00Z"));
    for (String html : List.of(rendered.html(), rendered.mailHtml())) {
      assertThat(html).doesNotContain("<script>").doesNotContain("<img src=x");
      assertThat(html)
          .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;");
    }
    assertThat(rendered.html()).contains("1,234").contains("+234 (+23.4%) vs day before (1,000)");
    assertThat(rendered.html()).contains("0.46").contains("data:image/png;base64,");
    assertThat(rendered.mailHtml()).contains("cid:chart-1").contains("cid:chart-2");
    assertThat(rendered.images())
        .extracting(RenderedReport.Image::contentId)
        .containsExactly("chart-1", "chart-2");
    assertThat(rendered.images().get(0).png()).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    try (PDDocument pdf = Loader.loadPDF(rendered.pdf())) {
      String text = new PDFTextStripper().getText(pdf);
      assertThat(text)
          .contains("<script>alert('x')</script>")
          .contains("1,234")
          .contains("Top shows");
    }
  }

  @Test
  void formatsFigures() {
    assertThat(ReportRenderer.format(1234567L)).isEqualTo("1,234,567");
    assertThat(ReportRenderer.format(new BigDecimal("12.0"))).isEqualTo("12");
    assertThat(ReportRenderer.format(0.125)).isEqualTo("0.13");
    assertThat(ReportRenderer.format(null)).isEqualTo("\u2013");
  }

  @Test
  void emptyMeansNoRowsOrOnlyNullsAndZeros() {
    assertThat(report("t", "x").empty()).isFalse();
    ReportSpec.Section section =
        new ReportSpec.Section(
            "s", "SELECT 1", ReportSpec.Chart.TABLE, Optional.empty(), List.of(), Map.of(), 5);
    assertThat(new ProducedReport.SectionResult(section, "s", List.of("a"), List.of()).empty())
        .isTrue();
    assertThat(
            new ProducedReport.SectionResult(
                    section, "s", List.of("a", "b"), List.of(Arrays.asList(0L, null)))
                .empty())
        .isTrue();
  }
}
