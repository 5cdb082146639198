package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of named specs of one kind (streams, topics, functions, crawlers): declared in config or
 * created over HTTP, persisted as JSON in a {@link SpecTable} of the metadata database so they
 * survive restarts, served from memory, and announced to {@link Listener}s. A change is validated
 * and applied (a Kafka topic created, say) by the caller's {@link Change} first, then written to
 * the database, then to memory, then announced.
 *
 * <p>Kinds that share names (streams and topics are both Kafka topics) share a {@link Names}: a
 * name taken by one kind is refused to the others with {@link ErrorCode#NAME_TAKEN} (409).
 *
 * <p>Thread-safe: changes are serialized; reads are not blocked by them.
 *
 * @param <S> the spec type
 */
public final class Registry<S> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  /** How a spec is named and written. */
  public interface Codec<S> {
    String name(S spec);

    String toJson(S spec);

    S fromJson(String name, String json);

    /** A codec of three functions. */
    static <S> Codec<S> of(
        Function<S, String> name,
        Function<S, String> toJson,
        BiFunction<String, String, S> fromJson) {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(toJson, "toJson is null");
      Objects.requireNonNull(fromJson, "fromJson is null");
      return new Codec<>() {
        @Override
        public String name(S spec) {
          return name.apply(spec);
        }

        @Override
        public String toJson(S spec) {
          return toJson.apply(spec);
        }

        @Override
        public S fromJson(String specName, String json) {
          return fromJson.apply(specName, json);
        }
      };
    }
  }

  /** Told about every change, after it is durable, on the changing thread. */
  public interface Listener<S> {
    void put(S spec);

    void deleted(String name);
  }

  /**
   * Validates and applies a change before it is persisted; throws to refuse it.
   *
   * @param <S> the spec type
   */
  @FunctionalInterface
  public interface Change<S> {
    /**
     * @param previous the spec of that name now, or null
     * @param spec the new spec
     */
    void apply(S previous, S spec);
  }

  /** Validates and applies a deletion before it is persisted; throws to refuse it. */
  @FunctionalInterface
  public interface Deletion {
    void apply(String name);
  }

  /** Names shared by several kinds: each name belongs to one kind at a time. */
  public static final class Names {
    private final String shared;
    private final Map<String, String> owners = new HashMap<>();

    /** {@code shared} says what the kinds share, for errors: "Kafka topics". */
    public Names(String shared) {
      this.shared = Objects.requireNonNull(shared, "shared is null");
    }

    synchronized void claim(String name, String kind) {
      String owner = owners.putIfAbsent(name, kind);
      if (owner != null && !owner.equals(kind)) {
        throw new InvalidInputException(
            ErrorCode.NAME_TAKEN,
            "Cannot create "
                + kind
                + " '"
                + name
                + "': a "
                + owner
                + " has that name ("
                + owner
                + "s and "
                + kind
                + "s are both "
                + shared
                + "); choose another name");
      }
    }

    /** Claims at load: an old conflict is kept (and logged), not refused. */
    synchronized void claimLoaded(String name, String kind) {
      String owner = owners.putIfAbsent(name, kind);
      if (owner != null && !owner.equals(kind)) {
        LOG.warn("Both a {} and a {} are named '{}' ({}): delete one", owner, kind, name, shared);
      }
    }

    synchronized void release(String name, String kind) {
      owners.remove(name, kind);
    }
  }

  private final String kind;
  private final SpecTable table;
  private final Codec<S> codec;
  private final Names names;
  private final Clock clock;
  private final Map<String, S> specs = new ConcurrentHashMap<>();
  private final List<Listener<S>> listeners = new CopyOnWriteArrayList<>();

  /**
   * Creates the table {@code tableName} if missing and loads every spec into memory.
   *
   * @param kind names one spec in messages: "stream"
   * @param names the names shared with other kinds, or null if this kind shares none
   */
  public Registry(
      String kind,
      Supplier<Connection> metadataDb,
      String tableName,
      Codec<S> codec,
      Names names,
      Clock clock) {
    this.kind = Objects.requireNonNull(kind, "kind is null");
    this.codec = Objects.requireNonNull(codec, "codec is null");
    this.names = names;
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.table = new SpecTable(metadataDb, tableName, kind);
    table
        .readAll()
        .forEach(
            (name, json) -> {
              specs.put(name, codec.fromJson(name, json));
              if (names != null) {
                names.claimLoaded(name, kind);
              }
            });
  }

  /** What one spec is called in messages: "stream". */
  public String kind() {
    return kind;
  }

  /** Creates or changes a spec, with no rule of its kind. */
  public S put(S spec) {
    return put(spec, (previous, next) -> {});
  }

  /**
   * Creates or changes a spec: refuses a name another kind has, lets {@code change} validate and
   * apply it, persists it and tells the listeners (unless nothing changed).
   *
   * @throws InvalidInputException {@code name_taken} if another kind has the name, or what {@code
   *     change} throws
   */
  public synchronized S put(S spec, Change<S> change) {
    Objects.requireNonNull(spec, "spec is null");
    String name = codec.name(spec);
    S previous = specs.get(name);
    boolean claimed = false;
    if (names != null && previous == null) {
      names.claim(name, kind);
      claimed = true;
    }
    try {
      change.apply(previous, spec);
      if (spec.equals(previous)) {
        return spec;
      }
      table.write(name, codec.toJson(spec), clock.millis());
    } catch (RuntimeException e) {
      if (claimed) {
        names.release(name, kind);
      }
      throw e;
    }
    specs.put(name, spec);
    listeners.forEach(listener -> listener.put(spec));
    return spec;
  }

  /** The spec named {@code name}, if any. */
  public Optional<S> get(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** Every spec, sorted by name. */
  public List<S> list() {
    List<S> result = new ArrayList<>(specs.values());
    result.sort((a, b) -> codec.name(a).compareTo(codec.name(b)));
    return result;
  }

  /** Deletes a spec, with no rule of its kind. */
  public boolean delete(String name) {
    return delete(name, n -> {});
  }

  /**
   * Deletes a spec: lets {@code deletion} validate and apply it, removes it from the database and
   * tells the listeners.
   *
   * @return whether it existed
   */
  public synchronized boolean delete(String name, Deletion deletion) {
    if (!specs.containsKey(name)) {
      return false;
    }
    deletion.apply(name);
    table.delete(name);
    specs.remove(name);
    if (names != null) {
      names.release(name, kind);
    }
    listeners.forEach(listener -> listener.deleted(name));
    return true;
  }

  /** Adds a listener, called on the changing thread after each change is durable. */
  public void addListener(Listener<S> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener is null"));
  }

  /** Forgets the listeners; the specs stay in the database. */
  @Override
  public void close() {
    listeners.clear();
  }
}
