package io.tributary.reports;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.tributary.reports.internal.Charts;
import io.tributary.reports.internal.Html;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Renders a produced report as HTML (every value escaped) and as PDF (the same HTML through
 * openhtmltopdf, in Java), with line, bar and pie charts drawn on the server as PNG images; and the
 * failure notice sent instead when a report cannot be produced.
 */
public final class ReportRenderer {
  private static final String STYLE =
      "body{font-family:Helvetica,Arial,sans-serif;color:#1f2933;margin:24px;font-size:12px}"
          + "h1{font-size:20px;margin:0 0 4px 0}h2{font-size:15px;margin:18px 0 6px 0}"
          + ".meta{color:#616e7c;margin-bottom:12px}"
          + ".big{font-size:28px;font-weight:bold;margin:4px 0}"
          + ".delta{margin:2px 0;color:#616e7c}.up{color:#1b7f3b}.down{color:#b42318}"
          + "table{border-collapse:collapse;margin:4px 0}"
          + "th,td{border:1px solid #cbd2d9;padding:3px 8px;text-align:left}"
          + "th{background:#f0f4f8}td.num{text-align:right}"
          + ".empty{color:#616e7c;font-style:italic}.failed{color:#b42318}";

  /** Renders {@code report}; {@code generatedAt} is shown under the title. */
  public RenderedReport render(ProducedReport report, Instant generatedAt) {
    List<RenderedReport.Image> images = new ArrayList<>();
    for (int i = 0; i < report.sections().size(); i++) {
      ProducedReport.SectionResult section = report.sections().get(i);
      if (section.section().chart().drawn() && !section.rows().isEmpty()) {
        byte[] png = chart(section);
        if (png != null) {
          images.add(new RenderedReport.Image("chart-" + i, png));
        }
      }
    }
    String html = html(report, generatedAt, i -> dataUri(images, i));
    String mailHtml = html(report, generatedAt, i -> "cid:chart-" + i);
    return new RenderedReport(report.title(), html, mailHtml, images, pdf(html));
  }

  /** The notice sent to a report's targets when it could not be produced. */
  public String failureNotice(ReportSpec spec, String ds, String error, Instant at) {
    Html out = page("Report " + spec.name() + " failed");
    out.element("h1", null, "Report " + spec.title() + " could not be produced");
    out.element("div", "meta", "Report " + spec.name() + ", logical date " + ds + ", at " + at);
    out.element("p", "failed", error);
    return out.raw("</body></html>").toString();
  }

  private static Html page(String title) {
    Html out = new Html();
    out.raw("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"/><title>")
        .text(title)
        .raw("</title><style>")
        .raw(STYLE)
        .raw("</style></head><body>");
    return out;
  }

  private static String dataUri(List<RenderedReport.Image> images, int section) {
    for (RenderedReport.Image image : images) {
      if (image.contentId().equals("chart-" + section)) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(image.png());
      }
    }
    return null;
  }

  private String html(ProducedReport report, Instant generatedAt, IntFunction<String> imageSrc) {
    Html out = page(report.title());
    out.element("h1", null, report.title());
    out.element("div", "meta", "Logical date " + report.ds() + " \u00b7 generated " + generatedAt);
    for (int i = 0; i < report.sections().size(); i++) {
      ProducedReport.SectionResult section = report.sections().get(i);
      out.open("div", "section");
      if (!section.title().isEmpty()) {
        out.element("h2", null, section.title());
      }
      if (section.rows().isEmpty()) {
        out.element("p", "empty", "No rows.");
      } else {
        switch (section.section().chart()) {
          case BIG_NUMBER -> bigNumber(out, section);
          case TABLE -> table(out, section);
          default -> {
            String src = imageSrc.apply(i);
            if (src == null) {
              out.element("p", "empty", "Nothing to draw: no numeric values.");
            } else {
              out.image(src, section.title(), Charts.WIDTH, Charts.HEIGHT);
            }
          }
        }
      }
      out.close("div");
    }
    return out.raw("</body></html>").toString();
  }

  private static void bigNumber(Html out, ProducedReport.SectionResult section) {
    List<Object> row = section.rows().get(0);
    int valueColumn = valueColumns(section).get(0);
    Object value = row.get(valueColumn);
    out.element("div", "big", format(value));
    for (Map.Entry<String, String> delta : section.section().deltas().entrySet()) {
      int column = section.indexOf(delta.getValue());
      Object base = column < 0 ? null : row.get(column);
      BigDecimal now = number(value);
      BigDecimal before = number(base);
      if (now == null || before == null) {
        out.element("div", "delta", delta.getKey() + ": " + format(base));
        continue;
      }
      BigDecimal difference = now.subtract(before);
      String sign = difference.signum() > 0 ? "+" : "";
      String percent =
          before.signum() == 0
              ? ""
              : " ("
                  + sign
                  + difference
                      .multiply(BigDecimal.valueOf(100))
                      .divide(before.abs(), 1, RoundingMode.HALF_UP)
                      .toPlainString()
                  + "%)";
      out.element(
          "div",
          difference.signum() > 0 ? "delta up" : difference.signum() < 0 ? "delta down" : "delta",
          sign + format(difference) + percent + " " + delta.getKey() + " (" + format(base) + ")");
    }
  }

  private static void table(Html out, ProducedReport.SectionResult section) {
    out.open("table", null).open("tr", null);
    for (String column : section.columns()) {
      out.element("th", null, column);
    }
    out.close("tr");
    int shown = Math.min(section.rows().size(), section.section().maxRows());
    for (List<Object> row : section.rows().subList(0, shown)) {
      out.open("tr", null);
      for (Object cell : row) {
        out.element("td", cell instanceof Number ? "num" : null, format(cell));
      }
      out.close("tr");
    }
    out.close("table");
    if (section.rows().size() > shown) {
      out.element("p", "empty", "First " + shown + " of " + section.rows().size() + " rows shown.");
    }
  }

  /** The x column: named, or the first. */
  private static int labelColumn(ProducedReport.SectionResult section) {
    return section.section().x().map(section::indexOf).orElse(0);
  }

  /** The value columns: named (missing ones skipped), or every numeric column but the label. */
  private static List<Integer> valueColumns(ProducedReport.SectionResult section) {
    List<Integer> columns = new ArrayList<>();
    if (!section.section().y().isEmpty()) {
      for (String name : section.section().y()) {
        if (section.indexOf(name) >= 0) {
          columns.add(section.indexOf(name));
        }
      }
      if (columns.isEmpty()) {
        columns.add(0);
      }
      return columns;
    }
    boolean bigNumber = section.section().chart() == ReportSpec.Chart.BIG_NUMBER;
    int label = bigNumber ? -1 : labelColumn(section);
    List<Object> first = section.rows().isEmpty() ? List.of() : section.rows().get(0);
    for (int i = 0; i < section.columns().size(); i++) {
      if (i != label
          && (i >= first.size() || first.get(i) == null || first.get(i) instanceof Number)) {
        columns.add(i);
        if (bigNumber || section.section().chart() == ReportSpec.Chart.PIE) {
          break;
        }
      }
    }
    if (columns.isEmpty()) {
      columns.add(Math.min(1, section.columns().size() - 1));
    }
    return columns;
  }

  private static byte[] chart(ProducedReport.SectionResult section) {
    int label = labelColumn(section);
    if (label < 0) {
      return null;
    }
    List<Integer> values = valueColumns(section);
    List<Charts.Point> points = new ArrayList<>();
    for (List<Object> row : section.rows()) {
      String category = String.valueOf(row.get(label));
      for (int column : values) {
        BigDecimal value = number(row.get(column));
        if (value != null) {
          points.add(new Charts.Point(section.columns().get(column), category, value));
        }
      }
    }
    if (points.isEmpty()) {
      return null;
    }
    return switch (section.section().chart()) {
      case PIE -> Charts.pie(points);
      case LINE -> Charts.category(true, section.columns().get(label), points);
      default -> Charts.category(false, section.columns().get(label), points);
    };
  }

  private static BigDecimal number(Object value) {
    if (value instanceof Number number) {
      try {
        return new BigDecimal(number.toString());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** A cell as shown: grouped integers, decimals to at most two places, "–" for null. */
  static String format(Object value) {
    if (value == null) {
      return "\u2013";
    }
    BigDecimal number = number(value);
    if (number == null) {
      return String.valueOf(value);
    }
    if (number.scale() <= 0 || number.stripTrailingZeros().scale() <= 0) {
      return String.format(Locale.ROOT, "%,d", number.toBigInteger());
    }
    BigDecimal rounded = number.setScale(Math.min(2, number.scale()), RoundingMode.HALF_UP);
    return String.format(Locale.ROOT, "%,." + rounded.scale() + "f", rounded);
  }

  /** {@code html} (well-formed XHTML) as PDF. */
  static byte[] pdf(String html) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      builder.withHtmlContent(html, null);
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render the report as PDF", e);
    }
    return out.toByteArray();
  }
}
