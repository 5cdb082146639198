package io.tributary.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A crawler: turns the files under {@code <data-dir>/landing/<source>/} into tables of namespace
 * {@code namespace}, like a Glue crawler, loading them into Iceberg.
 *
 * @param name the crawler name
 * @param source the landing folder, {@code landing/<source>/}
 * @param namespace the namespace of the tables it creates, {@code raw} by default
 * @param mode when it runs: on request, on an interval, or on landing events
 * @param schedule the interval of {@link Mode#SCHEDULE}; {@code null} in the other modes
 * @param sampleRecords how many records of each file the classifier reads to infer a schema
 * @param sampleBytes how many bytes of each file the classifier reads at most
 * @param grouping what happens to files whose schema does not fit their prefix's table
 * @param onSchemaChange what a compatible schema change does to an existing table
 * @param onRemoved what happens when source files (or a table's whole source) disappear
 * @param include globs (relative to the source folder) a file must match, all files if empty
 * @param exclude globs (relative to the source folder) that leave a file out
 * @param filesPerCommit at most this many source files' rows go into one Iceberg commit
 */
public record CrawlerSpec(
    String name,
    String source,
    String namespace,
    Mode mode,
    Duration schedule,
    int sampleRecords,
    long sampleBytes,
    Grouping grouping,
    SchemaChangePolicy onSchemaChange,
    RemovalPolicy onRemoved,
    List<String> include,
    List<String> exclude,
    int filesPerCommit) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");
  private static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9_-]{0,99}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z_][a-z0-9_]{0,127}");
  public static final Duration MIN_SCHEDULE = Duration.ofSeconds(1);
  public static final Duration MAX_SCHEDULE = Duration.ofDays(7);
  public static final int DEFAULT_SAMPLE_RECORDS = 10_000;
  public static final long DEFAULT_SAMPLE_BYTES = 4L << 20;
  public static final int DEFAULT_FILES_PER_COMMIT = 64;

  /** When a crawler runs. */
  public enum Mode {
    /** Only when asked ({@code ./tributary crawl NAME}, {@code POST .../runs}). */
    MANUAL,
    /** Every {@code schedule} interval, and when asked. */
    SCHEDULE,
    /** About a second after files of its source land, and when asked. */
    EVENT
  }

  /** What happens to files whose schema is incompatible with their prefix's table. */
  public enum Grouping {
    /** Compatible files form the prefix's table; the others are rejected with the reason. */
    COMBINE_COMPATIBLE,
    /** Each group of compatible schemas forms its own table, {@code <table>_2}, ... */
    TABLE_PER_SCHEMA
  }

  /** What a compatible schema change (new columns, wider types) does to an existing table. */
  public enum SchemaChangePolicy {
    /** Evolve the table: add the columns, widen the types. */
    UPDATE,
    /** Leave the table as it is and report the change; values that do not fit are errors. */
    LOG
  }

  /** What happens when source files, or all files of a table, are removed from the landing zone. */
  public enum RemovalPolicy {
    /** Remove the files' rows; drop a table whose files are all gone. */
    DELETE,
    /** Keep the rows; mark a table whose files are all gone deprecated in its properties. */
    DEPRECATE,
    /** Keep everything and report the removal. */
    LOG
  }

  public CrawlerSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw ConfigException.invalid(
          "crawler name", name, "use lower-case letters, digits and _, starting with a letter");
    }
    Objects.requireNonNull(source, "source is null");
    if (!SOURCE.matcher(source).matches()) {
      throw ConfigException.invalid(
          "crawler source",
          source,
          "use lower-case letters, digits, _ and -, starting with a letter");
    }
    Objects.requireNonNull(namespace, "namespace is null");
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw ConfigException.invalid("crawler namespace", namespace, "use [a-z_][a-z0-9_]*");
    }
    Objects.requireNonNull(mode, "mode is null");
    if (mode == Mode.SCHEDULE) {
      Objects.requireNonNull(schedule, "schedule is null (required with mode: schedule)");
      if (schedule.compareTo(MIN_SCHEDULE) < 0 || schedule.compareTo(MAX_SCHEDULE) > 0) {
        throw ConfigException.invalid(
            "crawler schedule", Units.formatDuration(schedule), "must be 1s..7d");
      }
    } else {
      schedule = null;
    }
    if (sampleRecords < 1 || sampleRecords > 1_000_000) {
      throw ConfigException.invalid("crawler sample.records", sampleRecords, "must be 1..1000000");
    }
    if (sampleBytes < 4 << 10 || sampleBytes > 1L << 30) {
      throw ConfigException.invalid("crawler sample.bytes", sampleBytes, "must be 4KiB..1GiB");
    }
    Objects.requireNonNull(grouping, "grouping is null");
    Objects.requireNonNull(onSchemaChange, "onSchemaChange is null");
    Objects.requireNonNull(onRemoved, "onRemoved is null");
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    checkRelativeGlobs("include", include);
    checkRelativeGlobs("exclude", exclude);
    if (filesPerCommit < 1 || filesPerCommit > 10_000) {
      throw ConfigException.invalid("crawler files-per-commit", filesPerCommit, "must be 1..10000");
    }
  }

  /** Globs match paths inside the source folder: never absolute, never {@code ..}, no control. */
  private static void checkRelativeGlobs(String key, List<String> globs) {
    for (String glob : globs) {
      boolean parent = false;
      for (String segment : glob.split("[/\\\\]", -1)) {
        parent |= segment.equals("..");
      }
      if (glob.isEmpty()
          || glob.startsWith("/")
          || glob.startsWith("\\")
          || glob.startsWith("~")
          || glob.matches("^[A-Za-z]:.*")
          || parent
          || glob.chars().anyMatch(Character::isISOControl)) {
        throw ConfigException.invalid(
            "crawler " + key,
            glob,
            "must be a glob relative to the source folder, such as shows/**/*.csv"
                + " (no leading /, ~ or drive, no .., no control characters)");
      }
    }
  }

  /** A manual crawler of {@code source} with every default. */
  public static CrawlerSpec withDefaults(String name, String source) {
    return new CrawlerSpec(
        name,
        source,
        "raw",
        Mode.MANUAL,
        null,
        DEFAULT_SAMPLE_RECORDS,
        DEFAULT_SAMPLE_BYTES,
        Grouping.COMBINE_COMPATIBLE,
        SchemaChangePolicy.UPDATE,
        RemovalPolicy.DEPRECATE,
        List.of(),
        List.of(),
        DEFAULT_FILES_PER_COMMIT);
  }

  /**
   * Reads a crawler from its config mapping (YAML {@code crawlers[i]} or the JSON body of {@code
   * PUT /v1/crawlers/{name}}). {@code name} wins over a {@code name} key; both must agree when
   * given. The source defaults to the name.
   */
  public static CrawlerSpec fromConfig(String name, ConfigNode node) {
    node.allowOnly(
        "name",
        "source",
        "namespace",
        "mode",
        "schedule",
        "sample",
        "grouping",
        "on-schema-change",
        "on-removed",
        "include",
        "exclude",
        "files-per-commit");
    String declared = node.string("name", name);
    if (name != null && !name.equals(declared)) {
      throw ConfigException.invalid(
          node.path() + ".name", declared, "must match the crawler name in the path, " + name);
    }
    String crawlerName = name != null ? name : node.requiredString("name");
    if (!NAME.matcher(crawlerName).matches()) {
      throw ConfigException.invalid(
          node.path() + ".name",
          crawlerName,
          "use lower-case letters, digits and _, starting with a letter, at most 100");
    }
    String source = node.string("source", crawlerName);
    if (!SOURCE.matcher(source).matches()) {
      throw ConfigException.invalid(
          node.path() + ".source",
          source,
          "a folder name under landing/: lower-case letters, digits, _ and -, starting with a"
              + " letter");
    }
    String namespace = node.string("namespace", "raw");
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw ConfigException.invalid(
          node.path() + ".namespace", namespace, "use lower-case letters, digits and _");
    }
    Mode mode = node.enumeration("mode", node.has("schedule") ? Mode.SCHEDULE : Mode.MANUAL);
    Duration schedule = node.duration("schedule", null, MIN_SCHEDULE, MAX_SCHEDULE);
    if (mode == Mode.SCHEDULE && schedule == null) {
      throw new ConfigException(
          "Missing required key "
              + node.path()
              + ".schedule (an interval such as 15m, with"
              + " mode: schedule)");
    }
    if (mode != Mode.SCHEDULE && schedule != null) {
      throw ConfigException.invalid(
          node.path() + ".schedule",
          Units.formatDuration(schedule),
          "only allowed with mode: schedule");
    }
    ConfigNode sample = node.child("sample").allowOnly("records", "bytes");
    return new CrawlerSpec(
        crawlerName,
        source,
        namespace,
        mode,
        schedule,
        sample.integer("records", DEFAULT_SAMPLE_RECORDS, 1, 1_000_000),
        sample.size("bytes", DEFAULT_SAMPLE_BYTES, 4 << 10, 1L << 30),
        node.enumeration("grouping", Grouping.COMBINE_COMPATIBLE),
        node.enumeration("on-schema-change", SchemaChangePolicy.UPDATE),
        node.enumeration("on-removed", RemovalPolicy.DEPRECATE),
        node.strings("include"),
        node.strings("exclude"),
        node.integer("files-per-commit", DEFAULT_FILES_PER_COMMIT, 1, 10_000));
  }
}
