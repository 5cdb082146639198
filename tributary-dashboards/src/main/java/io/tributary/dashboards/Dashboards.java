package io.tributary.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboards of the platform: YAML files in the dashboards folder (watched: a changed file is
 * parsed and checked again and replaces its dashboard; a broken one is rejected with file, line and
 * key, and the previous version stays) and those saved through the API (kept in the metadata
 * database, so they survive a restart). A file's dashboard wins over a saved one of the same name;
 * saving or deleting a file's dashboard through the API is refused. Tiles run on the query engine
 * with the filters bound as parameters.
 *
 * <p>Checks at load: the parser's (types, keys, options, filters), then each tile's SQL planned by
 * the engine with the filters' defaults ({@code LIMIT 0}, no rows read): a statement the engine
 * cannot prepare, or an option naming a column the query does not return, rejects the dashboard
 * naming the tile, the source and the line. A tile over a table that does not exist yet is accepted
 * (the table may come later); it answers the engine's error until then.
 */
public final class Dashboards implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dashboards.class);

  /**
   * Where the files are, how often the folder (and the database, for other nodes' saves) is read
   * again, and the most rows a tile answers.
   */
  public record Settings(Path dir, Duration poll, int maxRows) {
    public Settings {
      Objects.requireNonNull(dir, "dir is null");
      Objects.requireNonNull(poll, "poll is null");
      if (poll.isNegative() || poll.isZero()) {
        throw new IllegalArgumentException("Invalid poll: " + poll + " (must be > 0)");
      }
      if (maxRows < 1) {
        throw new IllegalArgumentException("Invalid maxRows: " + maxRows + " (must be >= 1)");
      }
    }
  }

  /** What a file of the folder holds now: its dashboard, if it loaded, and its last error. */
  private record FileState(
      String fingerprint, Dashboard dashboard, String problem, long retryAtMillis) {}

  /** How long a rejected file waits before it is checked again unchanged (tables may come). */
  static final Duration RETRY_REJECTED = Duration.ofSeconds(30);

  private final Settings settings;
  private final DashboardStore store;
  private final TileRunner runner;
  private final Clock clock;
  private final Map<Path, FileState> files = new ConcurrentHashMap<>();
  private final Map<String, Dashboard> saved = new ConcurrentHashMap<>();

  /** Reads a saved definition (YAML, or JSON, which is YAML too) as a tree. */
  private static final ObjectMapper TREES = new ObjectMapper(new YAMLFactory());

  private static final ObjectMapper JSON_TREES = new ObjectMapper();
  private final Map<String, String> savedTexts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;

  private Dashboards(
      Settings settings, DashboardStore store, QueryEngine engine, Clock clock, boolean watch) {
    this.settings = settings;
    this.store = store;
    this.runner = new TileRunner(engine, settings.maxRows());
    this.clock = clock;
    this.poller =
        watch
            ? Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "tributary-dashboards");
                  thread.setDaemon(true);
                  return thread;
                })
            : null;
  }

  /**
   * Opens the dashboards: creates the folder if missing, loads the saved dashboards and the files,
   * and watches the folder every {@code settings.poll()}.
   */
  public static Dashboards start(
      Settings settings, Supplier<Connection> metadataDb, QueryEngine engine, Clock clock) {
    Dashboards dashboards =
        new Dashboards(settings, new DashboardStore(metadataDb), engine, clock, true);
    try {
      Files.createDirectories(settings.dir());
      dashboards.reload();
      long every = settings.poll().toMillis();
      dashboards.poller.scheduleWithFixedDelay(
          dashboards::reloadQuietly, every, every, TimeUnit.MILLISECONDS);
      return dashboards;
    } catch (IOException e) {
      dashboards.close();
      throw new IllegalStateException(
          "Cannot create the dashboards folder " + settings.dir() + ": " + e, e);
    } catch (RuntimeException e) {
      dashboards.close();
      throw e;
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("Reloading dashboards failed: {}", e.toString());
    }
  }

  /** Reads the folder and the saved dashboards now (the watcher does it every poll). */
  public synchronized void reload() {
    reloadSaved();
    reloadFiles();
  }

  private void reloadSaved() {
    Map<String, String> texts = store.readAll();
    saved.keySet().removeIf(name -> !texts.containsKey(name));
    savedTexts.keySet().removeIf(name -> !texts.containsKey(name));
    for (Map.Entry<String, String> entry : texts.entrySet()) {
      if (entry.getValue().equals(savedTexts.get(entry.getKey()))) {
        continue;
      }
      try {
        saved.put(
            entry.getKey(),
            DashboardParser.parse(
                entry.getKey(), entry.getValue(), Dashboard.Origin.API, "api:" + entry.getKey()));
      } catch (DashboardDefinitionException e) {
        LOG.warn("Saved dashboard '{}' does not load: {}", entry.getKey(), e.getMessage());
      }
      savedTexts.put(entry.getKey(), entry.getValue());
    }
  }

  private void reloadFiles() {
    Set<Path> present = new HashSet<>();
    try (Stream<Path> listing = Files.list(settings.dir())) {
      for (Path file : listing.sorted().toList()) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith(".")
            || !(fileName.endsWith(".yaml") || fileName.endsWith(".yml"))
            || !Files.isRegularFile(file)) {
          continue;
        }
        present.add(file);
        loadFile(file, fileName);
      }
    } catch (IOException e) {
      LOG.warn("Cannot list the dashboards folder {}: {}", settings.dir(), e.toString());
      return;
    }
    files.keySet().removeIf(file -> !present.contains(file));
  }

  private void loadFile(Path file, String fileName) {
    String text;
    String fingerprint;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = new String(bytes, StandardCharsets.UTF_8);
      fingerprint = Integer.toHexString(java.util.Arrays.hashCode(bytes)) + ":" + bytes.length;
    } catch (IOException e) {
      LOG.warn("Cannot read dashboard file {}: {}", file, e.toString());
      return;
    }
    FileState before = files.get(file);
    if (before != null
        && before.fingerprint().equals(fingerprint)
        && (before.problem() == null || clock.millis() < before.retryAtMillis())) {
      return;
    }
    Dashboard previous = before == null ? null : before.dashboard();
    String source = settings.dir().getFileName() + "/" + fileName;
    String name = fileName.substring(0, fileName.lastIndexOf('.')).toLowerCase(Locale.ROOT);
    try {
      Dashboard dashboard = DashboardParser.parse(name, text, Dashboard.Origin.FILE, source);
      check(dashboard);
      files.put(file, new FileState(fingerprint, dashboard, null, 0));
      LOG.info("Dashboard '{}' loaded from {}", name, source);
    } catch (DashboardDefinitionException e) {
      boolean again = before != null && e.getMessage().equals(before.problem());
      files.put(
          file,
          new FileState(
              fingerprint, previous, e.getMessage(), clock.millis() + RETRY_REJECTED.toMillis()));
      if (again) {
        return; // checked again unchanged: logged once
      }
      LOG.warn(
          "Dashboard file {} rejected{}: {}",
          source,
          previous == null ? "" : " (the previous version stays)",
          e.getMessage());
    }
  }

  /**
   * Checks {@code dashboard}'s SQL on the engine: every tile and list query plans with the filters'
   * defaults, and every column an option names is one the tile's query returns.
   *
   * @throws DashboardDefinitionException naming the tile, the source and the line
   */
  void check(Dashboard dashboard) {
    FilterValues defaults = FilterValues.of(dashboard, Map.of(), clock.instant());
    for (Dashboard.Filter filter : dashboard.filters()) {
      if (!filter.valuesSql().isEmpty()) {
        plan(
            dashboard,
            filter.valuesSql(),
            defaults,
            filter.line(),
            "filter '" + filter.name() + "'");
      }
    }
    for (Dashboard.Tile tile : dashboard.tiles()) {
      Optional<List<QueryResult.Column>> columns =
          plan(dashboard, tile.sql(), defaults, tile.line(), "tile '" + tile.id() + "'");
      if (columns.isEmpty()) {
        continue;
      }
      Set<String> names = new HashSet<>();
      columns.get().forEach(column -> names.add(column.name().toLowerCase(Locale.ROOT)));
      for (Map.Entry<String, String> option : tile.options().namedColumns().entrySet()) {
        if (!names.contains(option.getValue().toLowerCase(Locale.ROOT))) {
          throw new DashboardDefinitionException(
              dashboard.source()
                  + ":"
                  + tile.line()
                  + ": tile '"
                  + tile.id()
                  + "': options."
                  + option.getKey()
                  + " names column '"
                  + option.getValue()
                  + "', which the query does not return (columns: "
                  + columns.get().stream().map(QueryResult.Column::name).toList()
                  + ")");
        }
      }
    }
  }

  /** The columns of {@code sql}, or empty when it reads a table that does not exist yet. */
  private Optional<List<QueryResult.Column>> plan(
      Dashboard dashboard, String sql, FilterValues defaults, int line, String what) {
    try {
      return Optional.of(runner.columns(sql, defaults));
    } catch (TributaryException e) {
      boolean statementError =
          e.errorCode() == ErrorCode.QUERY_ERROR || e.errorCode() == ErrorCode.QUERY_NOT_ALLOWED;
      if (!statementError) {
        LOG.info(
            "Cannot check {} of dashboard '{}' now: {}", what, dashboard.name(), e.getMessage());
        return Optional.empty();
      }
      if (missingTable(e.getMessage())) {
        LOG.info(
            "{} of dashboard '{}' reads a table not created yet: {}",
            what,
            dashboard.name(),
            e.getMessage());
        return Optional.empty();
      }
      throw new DashboardDefinitionException(
          dashboard.source()
              + ":"
              + line
              + ": "
              + what
              + ": the SQL does not prepare: "
              + e.getMessage(),
          e);
    }
  }

  private static boolean missingTable(String message) {
    return message != null
        && message.contains("Catalog Error")
        && (message.contains("Table with name") || message.contains("Schema with name"));
  }

  /** Every dashboard, by name: files first, then the saved ones they do not shadow. */
  public List<Dashboard> list() {
    Map<String, Dashboard> all = new TreeMap<>(saved);
    for (FileState state : files.values()) {
      if (state.dashboard() != null) {
        all.put(state.dashboard().name(), state.dashboard());
      }
    }
    return new ArrayList<>(all.values());
  }

  /** The dashboard named {@code name}, if any. */
  public Optional<Dashboard> get(String name) {
    for (FileState state : files.values()) {
      if (state.dashboard() != null && state.dashboard().name().equals(name)) {
        return Optional.of(state.dashboard());
      }
    }
    return Optional.ofNullable(saved.get(name));
  }

  /** The dashboard named {@code name}; not found otherwise. */
  public Dashboard require(String name) {
    return get(name).orElseThrow(() -> new NotFoundException("Dashboard", name));
  }

  /** The files rejected at their last change, file → the error (file, line, key). */
  public Map<String, String> problems() {
    Map<String, String> problems = new TreeMap<>();
    files.forEach(
        (file, state) -> {
          if (state.problem() != null) {
            problems.put(settings.dir().getFileName() + "/" + file.getFileName(), state.problem());
          }
        });
    return problems;
  }

  /**
   * Saves dashboard {@code name} from its YAML or JSON {@code text}, after the parser's and the
   * engine's checks.
   *
   * @throws DashboardDefinitionException naming the line and key
   * @throws InvalidInputException {@code name_taken} (409) when a file defines {@code name}
   */
  public synchronized Dashboard put(String name, String text) {
    Dashboard.requireName(name);
    refuseFileDashboard(name, "save");
    Dashboard dashboard = DashboardParser.parse(name, text, Dashboard.Origin.API, "api:" + name);
    check(dashboard);
    store.write(name, text, clock.millis());
    saved.put(name, dashboard);
    savedTexts.put(name, text);
    return dashboard;
  }

  /**
   * Adds a tile to the saved dashboard {@code name} (created, titled {@code name}, when there is
   * none), as a {@link #put} of its definition with the tile appended (saved as JSON).
   *
   * @param options the tile's options ({@code x}, {@code y}, {@code label}, {@code value}...)
   * @throws DashboardDefinitionException when the dashboard with the tile is not valid (a tile id
   *     taken, a required option missing...)
   * @throws InvalidInputException {@code name_taken} (409) when a file defines {@code name}
   */
  public synchronized Dashboard addTile(
      String name, String id, String title, String chart, String sql, Map<String, Object> options) {
    Dashboard.requireName(name);
    refuseFileDashboard(name, "save");
    String text = savedTexts.get(name);
    ObjectNode root;
    try {
      root =
          text == null
              ? TREES.createObjectNode().put("title", name)
              : (ObjectNode) TREES.readTree(text);
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("Cannot read the saved definition of dashboard " + name, e);
    }
    ArrayNode tiles = root.get("tiles") instanceof ArrayNode list ? list : root.putArray("tiles");
    ObjectNode tile = tiles.addObject();
    tile.put("id", id).put("title", title).put("chart", chart).put("sql", sql);
    if (!options.isEmpty()) {
      tile.set("options", TREES.valueToTree(options));
    }
    try {
      return put(name, JSON_TREES.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write dashboard " + name, e);
    }
  }

  /**
   * Deletes the saved dashboard {@code name}.
   *
   * @return false if there was none
   * @throws InvalidInputException {@code name_taken} (409) when a file defines {@code name}
   */
  public synchronized boolean delete(String name) {
    refuseFileDashboard(name, "delete");
    if (saved.remove(name) == null) {
      return false;
    }
    savedTexts.remove(name);
    store.delete(name);
    return true;
  }

  private void refuseFileDashboard(String name, String action) {
    for (Map.Entry<Path, FileState> entry : files.entrySet()) {
      Dashboard dashboard = entry.getValue().dashboard();
      if (dashboard != null && dashboard.name().equals(name)) {
        throw new InvalidInputException(
            ErrorCode.NAME_TAKEN,
            "Cannot "
                + action
                + " dashboard '"
                + name
                + "': it is defined by the file "
                + dashboard.source()
                + "; change the file instead");
      }
    }
  }

  /**
   * Runs tile {@code tileId} of dashboard {@code name} with the request's filter {@code values},
   * reading only the tables {@code readable} accepts.
   *
   * @throws NotFoundException for an unknown dashboard or tile
   * @throws TributaryException the engine's error for this tile alone
   */
  public TileData tile(
      String name, String tileId, Map<String, String> values, Predicate<TableId> readable) {
    Dashboard dashboard = require(name);
    Dashboard.Tile tile =
        dashboard
            .tile(tileId)
            .orElseThrow(() -> new NotFoundException("Tile of dashboard " + name, tileId));
    return runner.run(tile.sql(), FilterValues.of(dashboard, values, clock.instant()), readable);
  }

  /**
   * The values of choice filter {@code filterName}: the first column of its list query's rows.
   *
   * @throws NotFoundException for an unknown dashboard or filter
   */
  public List<String> choices(
      String name, String filterName, Map<String, String> values, Predicate<TableId> readable) {
    Dashboard dashboard = require(name);
    Dashboard.Filter filter =
        dashboard
            .filter(filterName)
            .filter(f -> f.type() == FilterType.CHOICE)
            .orElseThrow(
                () -> new NotFoundException("Choice filter of dashboard " + name, filterName));
    TileData data =
        runner.run(
            filter.valuesSql(), FilterValues.of(dashboard, values, clock.instant()), readable);
    List<String> choices = new ArrayList<>();
    for (List<Object> row : data.rows()) {
      if (!row.isEmpty() && row.get(0) != null) {
        choices.add(row.get(0).toString());
      }
    }
    return choices;
  }

  /** The most rows a tile answers. */
  public int maxRows() {
    return runner.maxRows();
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
