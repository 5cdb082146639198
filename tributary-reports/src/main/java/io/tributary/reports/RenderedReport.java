package io.tributary.reports;

import java.util.List;
import java.util.Objects;

/**
 * A report rendered: its title, the HTML with charts embedded as {@code data:} images, the HTML for
 * e-mail whose charts are {@code cid:chart-N} parts, the chart images and the PDF.
 */
public record RenderedReport(
    String title, String html, String mailHtml, List<Image> images, byte[] pdf) {
  public RenderedReport {
    Objects.requireNonNull(title, "title is null");
    Objects.requireNonNull(html, "html is null");
    Objects.requireNonNull(mailHtml, "mailHtml is null");
    images = List.copyOf(images);
    Objects.requireNonNull(pdf, "pdf is null");
  }

  /** A chart image: {@code contentId} is how the e-mail's HTML names it. */
  public record Image(String contentId, byte[] png) {
    public Image {
      Objects.requireNonNull(contentId, "contentId is null");
      Objects.requireNonNull(png, "png is null");
    }
  }
}
