package io.tributary.reports;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One report as its definition file declares it: a title, sections (a SQL query and how to show its
 * rows), parameters for the templates of its texts ({@code {{ ds }}}, {@code {{ params.region }}}),
 * whether an empty report is delivered, and where it goes.
 *
 * @param skipWhenEmpty when every section is empty, nothing is delivered (the run is recorded as
 *     skipped)
 * @param retry how each target's failed delivery is retried ({@code retry:} in the file); empty: as
 *     the platform's deliveries do by default
 */
public record ReportSpec(
    String name,
    String title,
    Map<String, String> params,
    List<Section> sections,
    boolean skipWhenEmpty,
    List<Target> targets,
    Optional<Backoff> retry) {
  /** A report's name: lower-case letters, digits, '_' and '-', starting with a letter. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,99}");

  public ReportSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Invalid report name '" + name + "': use [a-z][a-z0-9_-]* (at most 100 characters)");
    }
    Objects.requireNonNull(title, "title is null");
    params = Map.copyOf(params);
    sections = List.copyOf(sections);
    if (sections.isEmpty()) {
      throw new IllegalArgumentException("Report " + name + " has no sections");
    }
    targets = List.copyOf(targets);
    Objects.requireNonNull(retry, "retry is null");
  }

  /** A report whose deliveries are retried as the platform's are by default. */
  public ReportSpec(
      String name,
      String title,
      Map<String, String> params,
      List<Section> sections,
      boolean skipWhenEmpty,
      List<Target> targets) {
    this(name, title, params, sections, skipWhenEmpty, targets, Optional.empty());
  }

  /** How a section shows its rows. */
  public enum Chart {
    LINE("line"),
    BAR("bar"),
    PIE("pie"),
    TABLE("table"),
    BIG_NUMBER("big-number");

    private final String label;

    Chart(String label) {
      this.label = label;
    }

    /** The name in definition files. */
    public String label() {
      return label;
    }

    /** Whether it is drawn as an image. */
    public boolean drawn() {
      return this == LINE || this == BAR || this == PIE;
    }

    static Optional<Chart> ofLabel(String label) {
      for (Chart chart : values()) {
        if (chart.label.equals(label)) {
          return Optional.of(chart);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * A section: its query and chart.
   *
   * @param x the column of categories (line, bar) or labels (pie); the first column if not named
   * @param y the columns of values (line, bar: one series each; pie, big-number: the first); the
   *     numeric columns after {@code x} if not named
   * @param deltas big-number only: by label, a column holding the figure to compare with ({@code vs
   *     day before: listeners_before}); shown as the difference and its percentage
   * @param maxRows table only: the most rows shown
   */
  public record Section(
      String title,
      String sql,
      Chart chart,
      Optional<String> x,
      List<String> y,
      Map<String, String> deltas,
      int maxRows) {
    public static final int DEFAULT_MAX_ROWS = 50;

    public Section {
      Objects.requireNonNull(title, "title is null");
      Objects.requireNonNull(sql, "sql is null");
      Objects.requireNonNull(chart, "chart is null");
      Objects.requireNonNull(x, "x is null");
      y = List.copyOf(y);
      deltas = Map.copyOf(new java.util.LinkedHashMap<>(deltas));
      if (maxRows < 1) {
        throw new IllegalArgumentException("Invalid max-rows of section " + title + ": " + maxRows);
      }
    }
  }

  /** Where a report is delivered. */
  public sealed interface Target {
    /** How the history names it: {@code email:a@x.org,b@x.org}, {@code webhook:https://...}. */
    String label();
  }

  /**
   * An e-mail over the configured SMTP server: the HTML as the body, the PDF attached; {@code
   * subject} may hold template variables (the report's title if empty).
   */
  record Email(List<String> to, Optional<String> subject) implements Target {
    public Email {
      to = List.copyOf(to);
      if (to.isEmpty()) {
        throw new IllegalArgumentException("An e-mail target needs at least one address");
      }
      Objects.requireNonNull(subject, "subject is null");
    }

    @Override
    public String label() {
      return "email:" + String.join(",", to);
    }
  }

  /**
   * A POST of JSON to {@code url}: {@code report}, {@code title}, {@code ds}, {@code status}
   * ({@code ok} or {@code failed}), {@code error}, {@code html}, {@code pdf} (base64) and {@code
   * pdfFileName}; a 2xx answer is delivered, anything else is retried.
   */
  record Webhook(URI url) implements Target {
    public Webhook {
      Objects.requireNonNull(url, "url is null");
    }

    @Override
    public String label() {
      return "webhook:" + url;
    }
  }

  /**
   * Files {@code <name>/<name>-<ds>.html} and {@code .pdf} in {@code dir}, or in the platform's
   * reports folder ({@code reports.output}) when empty.
   */
  record Folder(Optional<Path> dir) implements Target {
    public Folder {
      Objects.requireNonNull(dir, "dir is null");
    }

    @Override
    public String label() {
      return "folder:" + dir.map(Path::toString).orElse("default");
    }
  }
}
