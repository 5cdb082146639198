package io.tributary.reports;

import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's reports: their definitions, one YAML file each in a folder ({@code <name>.yaml}),
 * read again whenever they are used (a file that does not load is logged and listed among the
 * problems, and the version loaded before stays); runs that query, render, deliver and record each
 * run in the history.
 */
public final class Reports {
  private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
  private static final String SUFFIX = ".yaml";

  private final Path dir;
  private final ReportParser parser;
  private final ReportProducer producer;
  private final ReportRenderer renderer;
  private final Deliveries deliveries;
  private final ReportHistory history;
  private final Clock clock;
  private final Map<String, Loaded> loaded = new HashMap<>();
  private final Map<String, String> problems = new TreeMap<>();
  private final Map<String, String> failedTexts = new HashMap<>();

  private record Loaded(String text, ReportSpec spec) {}

  public Reports(
      Path dir,
      ReportParser parser,
      ReportProducer producer,
      ReportRenderer renderer,
      Deliveries deliveries,
      ReportHistory history,
      Clock clock) {
    this.dir = Objects.requireNonNull(dir, "dir is null");
    this.parser = Objects.requireNonNull(parser, "parser is null");
    this.producer = Objects.requireNonNull(producer, "producer is null");
    this.renderer = Objects.requireNonNull(renderer, "renderer is null");
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries is null");
    this.history = Objects.requireNonNull(history, "history is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the reports folder " + dir, e);
    }
    refresh();
  }

  /** The folder of definitions. */
  public Path dir() {
    return dir;
  }

  /** Every report loaded, by name. */
  public synchronized Map<String, ReportSpec> list() {
    refresh();
    Map<String, ReportSpec> specs = new TreeMap<>();
    loaded.forEach((name, report) -> specs.put(name, report.spec()));
    return specs;
  }

  /**
   * The files that do not load now, by file name, with the error (their previous version stays).
   */
  public synchronized Map<String, String> problems() {
    refresh();
    return new TreeMap<>(problems);
  }

  public synchronized Optional<ReportSpec> get(String name) {
    refresh();
    return Optional.ofNullable(loaded.get(name)).map(Loaded::spec);
  }

  /** The YAML text of report {@code name}, as loaded. */
  public synchronized Optional<String> text(String name) {
    refresh();
    return Optional.ofNullable(loaded.get(name)).map(Loaded::text);
  }

  /**
   * Checks {@code text} and saves it as report {@code name}'s file.
   *
   * @return whether the report is new
   * @throws ReportDefinitionException naming the line and key of the first problem; nothing saved
   */
  public synchronized boolean put(String name, String text) {
    if (!ReportSpec.NAME.matcher(name).matches()) {
      throw new ReportDefinitionException(
          "Invalid report name '" + name + "': use [a-z][a-z0-9_-]* (at most 100 characters)");
    }
    ReportSpec spec = parser.parse(text, "PUT /v1/reports/" + name, name);
    refresh();
    boolean created = !loaded.containsKey(name);
    Path file = dir.resolve(name + SUFFIX);
    Path temporary = dir.resolve("." + name + SUFFIX + ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write report file " + file, e);
    }
    loaded.put(name, new Loaded(text, spec));
    problems.remove(file.getFileName().toString());
    return created;
  }

  /** Saves report {@code name} unless it has a file already: the demo's reports. */
  public synchronized boolean install(String name, String text) {
    if (Files.exists(dir.resolve(name + SUFFIX))) {
      return false;
    }
    put(name, text);
    return true;
  }

  /** Deletes report {@code name}'s file; its history stays. */
  public synchronized boolean delete(String name) {
    if (!ReportSpec.NAME.matcher(name).matches()) {
      return false;
    }
    try {
      boolean existed = Files.deleteIfExists(dir.resolve(name + SUFFIX));
      refresh();
      return existed;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete report file " + name + SUFFIX, e);
    }
  }

  /** The latest {@code limit} runs of report {@code name}, newest first. */
  public List<ReportRun> history(String name, int limit) {
    return history.runs(name, limit);
  }

  /**
   * Runs report {@code name} for logical date {@code ds}: its queries (reading what {@code
   * readable} accepts), rendered and delivered to its targets (or its failure notice when a query
   * fails; nothing when it is empty and skips empty days), recorded in the history.
   *
   * @param flowVariables the template variables of the flow run it is part of (none by API)
   * @param startedBy who started it, for the history
   * @throws NotFoundException if there is no such report
   */
  public ReportRun run(
      String name,
      LocalDate ds,
      Map<String, String> flowVariables,
      Predicate<TableId> readable,
      String startedBy)
      throws InterruptedException {
    ReportSpec spec = get(name).orElseThrow(() -> new NotFoundException("report", name));
    Instant started = clock.instant();
    String runId = UUID.randomUUID().toString();
    ReportRun.Outcome outcome;
    Optional<String> error = Optional.empty();
    List<DeliveryOutcome> outcomes;
    try {
      ProducedReport produced = producer.produce(spec, ds, flowVariables, readable);
      if (spec.skipWhenEmpty() && produced.empty()) {
        outcome = ReportRun.Outcome.SKIPPED;
        outcomes = new ArrayList<>();
        for (ReportSpec.Target target : spec.targets()) {
          outcomes.add(
              new DeliveryOutcome(
                  target.label(),
                  DeliveryOutcome.Status.SKIPPED,
                  0,
                  Optional.empty(),
                  Optional.empty()));
        }
      } else {
        RenderedReport rendered = renderer.render(produced, started);
        outcomes =
            deliveries.deliver(
                spec.targets(),
                Payload.of(name, ds.toString(), rendered, produced.variables()),
                spec.retry());
        boolean all =
            outcomes.stream().allMatch(o -> o.status() == DeliveryOutcome.Status.DELIVERED);
        outcome = all ? ReportRun.Outcome.DELIVERED : ReportRun.Outcome.DELIVERY_FAILED;
      }
    } catch (ReportFailedException | RuntimeException e) {
      if (Thread.interrupted()) {
        // stopped (the platform is closing, or the task timed out): no notice, nothing recorded
        throw new InterruptedException("Report " + name + " for " + ds + " was interrupted");
      }
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      if (!(e instanceof ReportFailedException)) {
        LOG.warn("Report {} for {} could not be rendered", name, ds, e);
        message = "Report " + name + " could not be rendered: " + message;
      }
      error = Optional.of(message);
      outcome = ReportRun.Outcome.FAILED;
      String notice = renderer.failureNotice(spec, ds.toString(), message, started);
      outcomes =
          deliveries.deliver(
              spec.targets(),
              Payload.failure(
                  name,
                  ds.toString(),
                  spec.title().contains("{{") ? name : spec.title(),
                  message,
                  notice,
                  ReportProducer.variables(name, ds, flowVariables)),
              spec.retry());
    }
    if (error.isEmpty() && outcome == ReportRun.Outcome.DELIVERY_FAILED) {
      error =
          outcomes.stream()
              .filter(o -> o.status() == DeliveryOutcome.Status.FAILED)
              .map(o -> o.target() + ": " + o.error().orElse("failed"))
              .reduce((a, b) -> a + "; " + b);
    }
    ReportRun run =
        new ReportRun(
            runId,
            name,
            ds.toString(),
            started,
            clock.instant(),
            outcome,
            error,
            startedBy,
            outcomes);
    history.record(run);
    LOG.info("Report {} for {}: {}", name, ds, outcome.label());
    return run;
  }

  /** Loads the folder's files that changed since last seen; drops the reports whose file went. */
  private void refresh() {
    Map<String, Path> files = new HashMap<>();
    try (Stream<Path> listing = Files.list(dir)) {
      listing
          .filter(path -> path.getFileName().toString().endsWith(SUFFIX))
          .filter(path -> !path.getFileName().toString().startsWith("."))
          .forEach(
              path -> {
                String file = path.getFileName().toString();
                files.put(file.substring(0, file.length() - SUFFIX.length()), path);
              });
    } catch (IOException e) {
      LOG.warn("Cannot list the reports folder {}: {}", dir, e.toString());
      return;
    }
    loaded.keySet().removeIf(name -> !files.containsKey(name));
    problems.keySet().removeIf(file -> !files.containsKey(file.replace(SUFFIX, "")));
    files.forEach(
        (name, path) -> {
          String text;
          try {
            text = Files.readString(path, StandardCharsets.UTF_8);
          } catch (IOException e) {
            problems.put(path.getFileName().toString(), "Cannot read " + path + ": " + e);
            return;
          }
          Loaded previous = loaded.get(name);
          if (previous != null && previous.text().equals(text)) {
            return;
          }
          if (text.equals(failedTexts.get(name))) {
            return;
          }
          try {
            loaded.put(name, new Loaded(text, parser.parse(text, path.toString(), name)));
            problems.remove(path.getFileName().toString());
            failedTexts.remove(name);
          } catch (ReportDefinitionException e) {
            problems.put(path.getFileName().toString(), e.getMessage());
            failedTexts.put(name, text);
            LOG.error(
                "Report file {} does not load{}: {}",
                path,
                previous == null ? "" : " (its previous version stays)",
                e.getMessage());
          }
        });
  }
}
