package io.tributary.reports;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run sends to each target: the report (HTML, e-mail HTML with its images, PDF), or the
 * failure notice when it could not be produced ({@code error} set, no PDF).
 *
 * @param subject the e-mail subject when the target names none
 */
public record Payload(
    String report,
    String ds,
    String subject,
    Optional<String> error,
    String html,
    String mailHtml,
    List<RenderedReport.Image> images,
    Optional<byte[]> pdf,
    java.util.Map<String, String> variables) {
  public Payload {
    Objects.requireNonNull(report, "report is null");
    Objects.requireNonNull(ds, "ds is null");
    Objects.requireNonNull(subject, "subject is null");
    Objects.requireNonNull(error, "error is null");
    Objects.requireNonNull(html, "html is null");
    Objects.requireNonNull(mailHtml, "mailHtml is null");
    images = List.copyOf(images);
    Objects.requireNonNull(pdf, "pdf is null");
    variables = java.util.Map.copyOf(variables);
  }

  /** The report as rendered. */
  public static Payload of(
      String report, String ds, RenderedReport rendered, java.util.Map<String, String> variables) {
    return new Payload(
        report,
        ds,
        rendered.title(),
        Optional.empty(),
        rendered.html(),
        rendered.mailHtml(),
        rendered.images(),
        Optional.of(rendered.pdf()),
        variables);
  }

  /** The failure notice. */
  public static Payload failure(
      String report,
      String ds,
      String title,
      String error,
      String html,
      java.util.Map<String, String> variables) {
    return new Payload(
        report,
        ds,
        "FAILED: " + title,
        Optional.of(error),
        html,
        html,
        List.of(),
        Optional.empty(),
        variables);
  }

  /** The file name of the PDF: {@code <report>-<ds>.pdf}. */
  public String pdfFileName() {
    return report + "-" + ds + ".pdf";
  }
}
