package io.tributary.flow;

import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.flow.internal.DefinitionsVersion;
import io.tributary.flow.internal.Pools;
import io.tributary.flow.internal.RunStore;
import io.tributary.lake.SpecTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow definitions of {@link Flows}: stored in the metadata database (with the paused flows),
 * plus the YAML files of the flows folder, read at start and again when they change; the stored
 * ones reloaded when another node sharing the database changes them through the API. Every change
 * records the pools' slots (what the scheduler's picks claim tries under) and moves the flow's
 * schedule ticks.
 */
final class FlowDefinitions {
  private static final Logger LOG = LoggerFactory.getLogger(FlowDefinitions.class);

  /** What a definition's change does to the schedule ticks of its flow. */
  interface Ticks {
    /** Schedules the flow's first tick (or cancels its ticks if it has no schedule). */
    void schedule(FlowSpec spec);

    /** Forgets what ticks of the flow created (its schedule may differ now). */
    void forget(String flow);

    /** Drops the flow's ticks. */
    void cancel(String flow);
  }

  private final FlowParser parser;
  private final SpecTable table;
  private final SpecTable pauses;
  private final DefinitionsVersion version;
  private final Path dir;
  private final Pools pools;
  private final RunStore store;
  private final Ticks ticks;
  private final Clock clock;
  private final Set<String> paused = ConcurrentHashMap.newKeySet();
  private final Map<String, FlowSpec> specs;
  private final Map<Path, String> seenFiles = new ConcurrentHashMap<>();
  private final Object definitionsLock = new Object();
  private volatile long seenVersion;

  /**
   * @param specs the flows loaded now, by name (shared with whoever reads them)
   */
  FlowDefinitions(
      FlowParser parser,
      SpecTable table,
      SpecTable pauses,
      DefinitionsVersion version,
      Path dir,
      Pools pools,
      Map<String, FlowSpec> specs,
      RunStore store,
      Ticks ticks,
      Clock clock) {
    this.parser = Objects.requireNonNull(parser, "parser is null");
    this.table = Objects.requireNonNull(table, "table is null");
    this.pauses = Objects.requireNonNull(pauses, "pauses is null");
    this.version = Objects.requireNonNull(version, "version is null");
    this.dir = Objects.requireNonNull(dir, "dir is null");
    this.pools = Objects.requireNonNull(pools, "pools is null");
    this.specs = Objects.requireNonNull(specs, "specs is null");
    this.store = Objects.requireNonNull(store, "store is null");
    this.ticks = Objects.requireNonNull(ticks, "ticks is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  /** Reads the stored flows and the folder's, at start, and records the pools' slots. */
  void load() {
    seenVersion = version.current();
    loadStored();
    loadFolder();
    store.poolSlots(pools.all());
  }

  /** Looks at the folder's changed files and at the stored flows if another node changed them. */
  void watch() {
    loadFolder();
    syncStored();
  }

  /** The flows loaded now. */
  Collection<FlowSpec> specs() {
    return specs.values();
  }

  private void loadStored() {
    paused.addAll(pauses.readAll().keySet());
    FlowParser stored = new FlowParser(sql -> {});
    table
        .readAll()
        .forEach(
            (name, text) -> {
              try {
                specs.put(name, stored.parse(text, "stored flow " + name, name));
              } catch (InvalidInputException e) {
                LOG.error("Stored flow {} no longer loads: {}", name, e.getMessage());
              }
            });
  }

  /**
   * Reloads the stored flows and pauses if another node changed them (the stored version moved): a
   * flow stored with another text replaces this node's, one no longer stored is dropped.
   */
  private void syncStored() {
    long stamp = version.current();
    if (stamp == seenVersion) {
      return;
    }
    synchronized (definitionsLock) {
      seenVersion = stamp;
      Map<String, String> stored = table.readAll();
      FlowParser storedParser = new FlowParser(sql -> {});
      stored.forEach(
          (name, text) -> {
            FlowSpec current = specs.get(name);
            if (current != null && current.source().equals(text)) {
              return;
            }
            try {
              install(storedParser.parse(text, "stored flow " + name, name));
              LOG.info("Flow {} reloaded: changed on another node", name);
            } catch (InvalidInputException e) {
              LOG.error("Stored flow {} does not load: {}", name, e.getMessage());
            }
          });
      for (String name : List.copyOf(specs.keySet())) {
        if (!stored.containsKey(name)) {
          specs.remove(name);
          store.poolSlots(pools.all());
          ticks.forget(name);
          LOG.info("Flow {} dropped: deleted on another node", name);
        }
      }
      Set<String> storedPauses = pauses.readAll().keySet();
      paused.addAll(storedPauses);
      for (String name : List.copyOf(paused)) {
        if (!storedPauses.contains(name) && paused.remove(name)) {
          ticks.forget(name);
          get(name).ifPresent(ticks::schedule);
        }
      }
    }
  }

  /**
   * Loads the flow files of the folder that are new or changed since the last look; a file that
   * does not load is logged once per change and the flow keeps its previous version.
   */
  private void loadFolder() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .toList();
    } catch (IOException e) {
      LOG.warn("Cannot list the flows folder {}: {}", dir, e.toString());
      return;
    }
    for (Path file : files) {
      try {
        String text = Files.readString(file);
        if (text.equals(seenFiles.put(file, text))) {
          continue;
        }
        FlowSpec spec = parser.parse(text, file.toString(), null);
        save(spec);
        LOG.info("Flow {} loaded from {}", spec.name(), file);
      } catch (IOException e) {
        LOG.error("Cannot read flow file {}: {}", file, e.toString());
      } catch (InvalidInputException e) {
        LOG.error("{}; the flow keeps its previous version, if any", e.getMessage());
      }
    }
  }

  private void save(FlowSpec spec) {
    synchronized (definitionsLock) {
      pools.check(spec);
      table.write(spec.name(), spec.source(), clock.millis());
      install(spec);
    }
  }

  private void install(FlowSpec spec) {
    specs.put(spec.name(), spec);
    store.poolSlots(pools.all()); // before its tasks are handed to the scheduler
    ticks.forget(spec.name());
    ticks.schedule(spec);
  }

  /**
   * Validates and stores a flow (YAML or JSON text); the previous version keeps running if it is
   * rejected.
   *
   * @throws FlowDefinitionException naming the line and key at fault
   */
  FlowSpec put(String name, String text) {
    FlowSpec spec = parser.parse(text, "PUT /v1/flows/" + name, name);
    save(spec);
    version.changed();
    return spec;
  }

  Optional<FlowSpec> get(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** Every flow, by name. */
  List<FlowSpec> list() {
    List<FlowSpec> list = new ArrayList<>(specs.values());
    list.sort(Comparator.comparing(FlowSpec::name));
    return list;
  }

  /** Deletes a flow's definition (its run history stays); false if there was none. */
  boolean delete(String name) {
    synchronized (definitionsLock) {
      if (specs.remove(name) == null) {
        return false;
      }
      store.poolSlots(pools.all());
      ticks.cancel(name);
      table.delete(name);
      setPaused(name, false);
    }
    return true;
  }

  /**
   * Pauses or unpauses a flow: a paused flow gets no scheduled or triggered runs (manual runs still
   * run, and runs in progress go on).
   */
  void setPaused(String name, boolean pause) {
    synchronized (definitionsLock) {
      if (pause) {
        required(name);
        pauses.write(name, "{}", clock.millis());
        paused.add(name);
      } else {
        pauses.delete(name);
        boolean was = paused.remove(name);
        ticks.forget(name);
        if (was) {
          get(name).ifPresent(ticks::schedule);
        }
      }
    }
    version.changed();
  }

  boolean isPaused(String name) {
    return paused.contains(name);
  }

  FlowSpec required(String name) {
    return get(name).orElseThrow(() -> new NotFoundException("flow", name));
  }
}
