package io.tributary.experiments;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.experiments.ExperimentSpec.Variant;
import io.tributary.lake.Lake;
import io.tributary.query.QueryEngine;
import io.tributary.spi.Assignments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's experiments: defined as code (YAML files in {@code <data-dir>/experiments/}, or
 * over the API), stored in the metadata database, assigned by sticky bucketing with exposures
 * logged to a stream, and analysed on the lake from per-variant sufficient statistics.
 */
public final class Experiments implements Assignments {
  private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);

  /** Where an experiment is in its life. */
  public enum Status {
    SCHEDULED,
    RUNNING,
    ENDED,
    STOPPED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A stored experiment. */
  public record Stored(
      ExperimentSpec spec, String definition, String source, Optional<Instant> stoppedAt) {
    public Status status(Instant now) {
      if (stoppedAt.isPresent()) {
        return Status.STOPPED;
      }
      if (spec.start().isPresent() && now.isBefore(spec.start().get())) {
        return Status.SCHEDULED;
      }
      return spec.end().isPresent() && !now.isBefore(spec.end().get())
          ? Status.ENDED
          : Status.RUNNING;
    }
  }

  /** A unit's variant; {@code logged} says whether an exposure was logged. */
  public record Assignment(
      String experiment, String unit, String variant, boolean running, boolean logged) {}

  private final ExperimentStore store;
  private final QueryEngine query;
  private final Lake lake;
  private final ExposureLog exposures;
  private final Predicate<TableId> declared;
  private final Clock clock;

  /**
   * @param declared tables that exist or will (a declared stream's table before its first rows)
   */
  public Experiments(
      Supplier<java.sql.Connection> db,
      QueryEngine query,
      Lake lake,
      ExposureLog exposures,
      Predicate<TableId> declared,
      Clock clock) {
    this.store = new ExperimentStore(db);
    this.query = Objects.requireNonNull(query, "query is null");
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.exposures = Objects.requireNonNull(exposures, "exposures is null");
    this.declared = Objects.requireNonNull(declared, "declared is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  private ExperimentParser checkingParser() {
    return new ExperimentParser(
        new ExperimentParser.LakeCheck() {
          @Override
          public void plan(String sql) {
            query.explain(sql);
          }

          @Override
          public boolean exists(TableId table) {
            return declared.test(table) || lake.loadTable(table).isPresent();
          }
        });
  }

  /**
   * Loads every {@code *.yaml}/{@code *.yml} file of {@code dir} (the file name without extension
   * is the experiment's name); a file that is refused is logged and skipped.
   *
   * @return the refusals, one message each
   */
  public List<String> loadFiles(Path dir) {
    List<String> errors = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return errors;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
      for (Path file : files) {
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        try {
          put(name, Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (InvalidInputException e) {
          LOG.error("Experiment file {} refused: {}", file, e.getMessage());
          errors.add(e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read experiments in " + dir + ": " + e, e);
    }
    return errors;
  }

  /**
   * Creates or replaces experiment {@code name} from {@code definition} (YAML or JSON), checking
   * its metric SQL against the lake.
   *
   * @return whether it was new
   * @throws ExperimentDefinitionException for a malformed definition, naming line and key
   * @throws InvalidInputException {@code experiment_running} (409) when the variants, weights or
   *     salt of a running experiment would change
   */
  public synchronized boolean put(String name, String definition, String source) {
    ExperimentSpec spec = checkingParser().parse(definition, source, name);
    Optional<Stored> existing = get(name);
    Long stopped = null;
    if (existing.isPresent()) {
      Stored old = existing.get();
      stopped = old.stoppedAt().map(Instant::toEpochMilli).orElse(null);
      if (old.status(clock.instant()) == Status.RUNNING
          && (!old.spec().variants().equals(spec.variants())
              || !old.spec().salt().equals(spec.salt()))) {
        throw new InvalidInputException(
            ErrorCode.EXPERIMENT_RUNNING,
            "Experiment "
                + name
                + " is running: its variants, weights and salt cannot change (now "
                + describe(old.spec().variants())
                + ", asked "
                + describe(spec.variants())
                + "); stop it (POST /v1/experiments/"
                + name
                + "/stop) and start a new one");
      }
    }
    store.put(new ExperimentStore.Row(name, definition, source, stopped), clock.millis());
    return existing.isEmpty();
  }

  private static String describe(List<Variant> variants) {
    StringBuilder text = new StringBuilder();
    for (Variant variant : variants) {
      text.append(text.length() == 0 ? "" : ", ").append(variant.name()).append(' ');
      text.append(variant.weight());
    }
    return text.toString();
  }

  /** Experiment {@code name}, if stored. */
  public Optional<Stored> get(String name) {
    return store.get(name).map(Experiments::stored);
  }

  private Stored require(String name) {
    return get(name).orElseThrow(() -> new NotFoundException("experiment", name));
  }

  private static Stored stored(ExperimentStore.Row row) {
    ExperimentSpec spec =
        new ExperimentParser(ExperimentParser.LakeCheck.NONE)
            .parse(row.definition(), row.source(), row.name());
    return new Stored(
        spec,
        row.definition(),
        row.source(),
        Optional.ofNullable(row.stoppedMillis()).map(Instant::ofEpochMilli));
  }

  /** Every stored experiment, by name. */
  public List<Stored> list() {
    return store.list().stream().map(Experiments::stored).toList();
  }

  /** Deletes experiment {@code name}; whether it existed. */
  public synchronized boolean delete(String name) {
    return store.delete(name);
  }

  /** Stops experiment {@code name}: no more exposures; its variants may then change. */
  public synchronized Stored stop(String name) {
    Stored stored = require(name);
    if (stored.stoppedAt().isEmpty()) {
      store.put(
          new ExperimentStore.Row(name, stored.definition(), stored.source(), clock.millis()),
          clock.millis());
    }
    return require(name);
  }

  /** The current time of this service's clock. */
  public Instant now() {
    return clock.instant();
  }

  /**
   * The variant of {@code unit} in experiment {@code name}, logging an exposure when {@code log}
   * and the experiment is running. A unit of an experiment that is not running gets the control.
   */
  public Assignment assign(String name, String unit, boolean log) {
    if (unit == null || unit.isBlank() || unit.length() > 1000) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "The unit id must be 1..1000 characters (e.g. unit=u123)");
    }
    Stored stored = require(name);
    Instant now = clock.instant();
    boolean running = stored.status(now) == Status.RUNNING;
    String variant = running ? stored.spec().assign(unit) : stored.spec().control().name();
    boolean logged = false;
    if (running && log) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("experiment", name);
      event.put("unit", unit);
      event.put("variant", variant);
      event.put("ts", now.toString());
      exposures.log(event);
      logged = true;
    }
    return new Assignment(name, unit, variant, running, logged);
  }

  @Override
  public Optional<String> variant(String experiment, String unit) {
    Optional<Stored> stored = get(experiment);
    if (stored.isEmpty() || stored.get().status(clock.instant()) != Status.RUNNING) {
      return Optional.empty();
    }
    return Optional.of(stored.get().spec().assign(unit));
  }

  /**
   * The results of experiment {@code name} now: one SQL statement on the lake computes the
   * per-variant sufficient statistics, then {@link Analysis} compares the variants.
   *
   * @throws InvalidInputException {@code query_error} when a metric's SQL fails on the lake as it
   *     is now (a table dropped since)
   */
  public ExperimentResults results(String name) {
    return results(name, table -> true);
  }

  /** As {@link #results(String)}, reading only the tables {@code readable} accepts. */
  public ExperimentResults results(String name, Predicate<TableId> readable) {
    ExperimentSpec spec = require(name).spec();
    if (!declared.test(spec.exposure().table())
        && lake.loadTable(spec.exposure().table()).isEmpty()) {
      // nothing was ever exposed: no exposure table yet
      return Analysis.analyze(spec, Map.of(), Map.of(), Map.of(), clock.instant());
    }
    Map<String, Long> exposed = new HashMap<>();
    Map<String, Map<String, Moments>> moments = new HashMap<>();
    Map<String, Long> snapshots = new LinkedHashMap<>();
    query.stream(
        ResultQuery.of(spec),
        readable,
        rows -> {
          rows.snapshots().forEach((table, snapshot) -> snapshots.put(table.toString(), snapshot));
          while (rows.next()) {
            String metric = (String) rows.value(0);
            String variant = String.valueOf(rows.value(1));
            long n = number(rows.value(2)).longValue();
            if (metric.equals(ResultQuery.EXPOSURES)) {
              exposed.put(variant, n);
            } else {
              moments
                  .computeIfAbsent(metric, m -> new HashMap<>())
                  .put(
                      variant,
                      new Moments(
                          n,
                          number(rows.value(3)).doubleValue(),
                          number(rows.value(4)).doubleValue(),
                          number(rows.value(5)).doubleValue(),
                          number(rows.value(6)).doubleValue(),
                          number(rows.value(7)).doubleValue()));
            }
          }
          return null;
        });
    return Analysis.analyze(spec, exposed, moments, snapshots, clock.instant());
  }

  private static Number number(Object value) {
    return value == null ? 0 : (Number) value;
  }
}
