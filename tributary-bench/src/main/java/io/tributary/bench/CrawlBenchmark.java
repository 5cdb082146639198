package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.batch.CrawlRun;
import io.tributary.batch.CrawlerRegistry;
import io.tributary.batch.Crawlers;
import io.tributary.batch.LandingEvent;
import io.tributary.batch.LandingEvents;
import io.tributary.batch.LandingZone;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench crawl}: crawl + load of generated CSV and JSON-lines files through the real crawler
 * (classify, infer, create the table, convert to Parquet, commit to Iceberg), against DuckDB's own
 * {@code COPY (SELECT * FROM read_csv_auto(...)) TO '...parquet'} on the same files in the same
 * run. The two alternate for {@code --rounds} rounds per format; each figure is their median and
 * spread, the ratio taken within each round.
 */
@Command(
    name = "crawl",
    description = "Crawl+load MB/s of CSV and JSON files vs DuckDB's COPY to Parquet.")
final class CrawlBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] GENRES = {"talk", "music", "news", "comedy", "sports", "drama"};
  private static final String[] WORDS = {
    "night", "shift", "morning", "call", "late", "talk", "deep", "dive", "open", "mic", "live",
    "hour", "weekly", "round", "up", "quiet", "storm"
  };

  @Option(names = "--mb", defaultValue = "200", description = "MB of data per format")
  int megabytes;

  @Option(names = "--files", defaultValue = "4", description = "Files per format")
  int files;

  @Option(
      names = "--load-path",
      defaultValue = "duckdb-when-clean",
      description = "duckdb-when-clean (default) or row-reader (the Java row path only)")
  String loadPath;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "Rounds per format, alternating (crawler, then DuckDB); figures are their median and"
              + " spread")
  int rounds;

  @Option(
      names = "--formats",
      defaultValue = "csv,json",
      split = ",",
      description = "Formats to measure, in order: csv, json (default both)")
  List<String> formats;

  @Option(
      names = "--warmup",
      defaultValue = "true",
      negatable = true,
      description =
          "One unmeasured round of both sides before the measured ones (default on; --no-warmup"
              + " measures a fresh JVM's first crawl, JIT compilation included): the platform"
              + " crawls in a long-running server")
  boolean warmup;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = new ScratchDir("tributary-crawl-bench")) {
      return run(dir.path());
    }
  }

  private int run(Path dir) throws Exception {
    Path landing = dir.resolve("landing");
    for (String format : formats) {
      if (!format.equals("csv") && !format.equals("json")) {
        throw new IllegalArgumentException(
            "--formats: unknown format '" + format + "' (csv, json)");
      }
    }
    long bytesPerFile = (long) megabytes * 1_000_000L / files;
    log("generating %d files of %,d bytes per format %s...", files, bytesPerFile, formats);
    long csvBytes =
        formats.contains("csv") ? generate(landing.resolve("bench_csv"), "csv", bytesPerFile) : 0;
    long jsonBytes =
        formats.contains("json")
            ? generate(landing.resolve("bench_json"), "json", bytesPerFile)
            : 0;

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("load_path", loadPath);
    result.put("warmup", warmup);
    result.put("files_per_format", files);
    result.put("rounds", rounds);
    result.put("csv_mb", csvBytes / 1e6);
    result.put("json_mb", jsonBytes / 1e6);
    List<String> targets = new ArrayList<>();
    TributaryConfig.Catalog catalog = LocalPlatform.catalog(dir);
    try (Lake lake = Lake.open(catalog);
        LandingZone zone = new LandingZone(landing, new NoEvents());
        CrawlerRegistry registry = new CrawlerRegistry(() -> connect(lake), Clock.systemUTC());
        Crawlers crawlers =
            new Crawlers(
                lake,
                zone,
                registry,
                () -> connect(lake),
                Clock.systemUTC(),
                2,
                Crawlers.LoadPath.valueOf(loadPath.toUpperCase(Locale.ROOT).replace('-', '_')))) {
      // rounds alternate the crawler and DuckDB on the same files, so a noisy neighbour on a shared
      // machine weighs on both sides alike
      for (String format : formats) {
        double megabytesOfFormat = (format.equals("csv") ? csvBytes : jsonBytes) / 1e6;
        double[] crawlCpu = new double[rounds];
        double[] duckdbCpu = new double[rounds];
        if (warmup) {
          log("warm-up round: crawling %s, then DuckDB COPY (not measured)...", format);
          crawl(crawlers, registry, format, 0);
          duckdbCopy(dir, landing, format, 0);
        }
        Rounds measured =
            Rounds.alternate(
                rounds,
                round -> {
                  log("round %d of %d: crawling %s...", round, rounds, format);
                  CpuMeter cpu = CpuMeter.start();
                  TimedRun run = crawl(crawlers, registry, format, round);
                  crawlCpu[round - 1] = cpu.nanos() / 1e9;
                  log("  crawled in %.2f s, %.2f s CPU", run.seconds(), crawlCpu[round - 1]);
                  result.put(format + "_rows", run.counts().rowsLoaded());
                  result.put(format + "_error_rows", run.counts().rowsRejected());
                  return megabytesOfFormat / run.seconds();
                },
                round -> {
                  log("round %d of %d: DuckDB COPY %s...", round, rounds, format);
                  CpuMeter cpu = CpuMeter.start();
                  double seconds = duckdbCopy(dir, landing, format, round);
                  duckdbCpu[round - 1] = cpu.nanos() / 1e9;
                  log("  copied in %.2f s, %.2f s CPU", seconds, duckdbCpu[round - 1]);
                  return megabytesOfFormat / seconds;
                });
        // CPU seconds of the whole process per side: on a busy shared machine their ratio says
        // what the wall-clock ratio would be on idle cores better than the wall clock does
        result.put(format + "_tributary_cpu_s", Spread.twoDecimals(crawlCpu));
        result.put(format + "_duckdb_cpu_s", Spread.twoDecimals(duckdbCpu));
        result.put(format + "_tributary_mb_per_s", measured.aTwoDecimals());
        result.put(format + "_duckdb_mb_per_s", measured.bTwoDecimals());
        result.put(format + "_ratio", measured.ratio());
        targets.add(target(format, measured.ratio()));
      }
      result.put("peak_rss_mib", Host.peakRssMib());
    }
    Results.print(result, json);
    for (String line : targets) { // beside the JSON object, not in it
      (json ? System.err : System.out).println(line);
    }
    return 0;
  }

  /** The crawl of the format's files into a fresh table, and the seconds it took. */
  private record TimedRun(CrawlRun run, double seconds) {
    CrawlRun.Counts counts() {
      return run.counts();
    }
  }

  private static TimedRun crawl(
      Crawlers crawlers, CrawlerRegistry registry, String format, int round) throws Exception {
    String name = "bench_" + format + "_" + round;
    registry.put(
        new CrawlerSpec(
            name,
            "bench_" + format,
            "bench_" + round,
            CrawlerSpec.Mode.MANUAL,
            null,
            CrawlerSpec.DEFAULT_SAMPLE_RECORDS,
            CrawlerSpec.DEFAULT_SAMPLE_BYTES,
            CrawlerSpec.Grouping.COMBINE_COMPATIBLE,
            CrawlerSpec.SchemaChangePolicy.UPDATE,
            CrawlerSpec.RemovalPolicy.LOG,
            List.of(),
            List.of(),
            CrawlerSpec.DEFAULT_FILES_PER_COMMIT));
    long start = System.nanoTime();
    CrawlRun run = crawlers.run(name);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (run.status() != CrawlRun.Status.SUCCEEDED || run.counts().filesRejected() > 0) {
      throw new IllegalStateException("Crawl failed: " + JSON.writeValueAsString(run));
    }
    return new TimedRun(run, seconds);
  }

  private static String target(String format, Spread ratio) {
    double goal = format.equals("csv") ? 0.9 : 0.7;
    return String.format(
        "target: %s crawl+load >= %sx DuckDB's read_%s_auto -> Parquet: %sx: %s",
        format.equals("csv") ? "CSV" : "JSON lines",
        goal,
        format,
        ratio,
        ratio.median().doubleValue() >= goal ? "met" : "NOT met");
  }

  /** Seconds DuckDB takes to copy the format's files to one zstd Parquet file. */
  private static double duckdbCopy(Path dir, Path landing, String format, int round)
      throws SQLException {
    String reader = format.equals("csv") ? "read_csv_auto" : "read_json_auto";
    String glob = landing.resolve("bench_" + format).resolve("*." + format).toString();
    return duckdb(
        "COPY (SELECT * FROM "
            + reader
            + "('"
            + glob
            + "')) TO '"
            + dir.resolve("duck_" + format + "_" + round + ".parquet")
            + "' (FORMAT parquet, COMPRESSION zstd)");
  }

  private static Connection connect(Lake lake) {
    try {
      return lake.openMetadataConnection();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double duckdb(String sql) throws SQLException {
    Properties properties = new Properties();
    properties.put("autoinstall_known_extensions", "false");
    properties.put("autoload_known_extensions", "false");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      statement.execute(sql);
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Writes {@code files} files of about {@code bytesPerFile} each; returns the bytes written. */
  private long generate(Path folder, String format, long bytesPerFile) throws IOException {
    Files.createDirectories(folder);
    Random random = new Random(42);
    DateTimeFormatter iso = DateTimeFormatter.ISO_INSTANT;
    long total = 0;
    long id = 0;
    Instant base = Instant.parse("2026-11-01T00:00:00Z");
    for (int f = 0; f < files; f++) {
      Path file = folder.resolve(String.format(Locale.ROOT, "part-%03d.%s", f, format));
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        if (format.equals("csv")) {
          out.write(
              "event_id,user_id,show_id,title,genre,plays,duration_s,rating,premium,created_at\n");
        }
        while (Files.size(file) < bytesPerFile) {
          for (int i = 0; i < 1000; i++) {
            id++;
            String eventId = Long.toHexString(random.nextLong());
            long userId = 1_000_000L + random.nextInt(5_000_000);
            String showId = "show_" + random.nextInt(20_000);
            String title =
                WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
            String genre = GENRES[random.nextInt(GENRES.length)];
            int plays = random.nextInt(100_000);
            double duration = Math.round(random.nextDouble() * 360_000) / 100.0;
            double rating = Math.round(random.nextDouble() * 500) / 100.0;
            boolean premium = random.nextInt(4) == 0;
            String created = iso.format(base.plusSeconds(id * 7 + random.nextInt(7)));
            if (format.equals("csv")) {
              out.write(
                  eventId + "," + userId + "," + showId + "," + title + "," + genre + "," + plays
                      + "," + duration + "," + rating + "," + premium + "," + created + "\n");
            } else {
              out.write(
                  "{\"event_id\":\""
                      + eventId
                      + "\",\"user_id\":"
                      + userId
                      + ",\"show_id\":\""
                      + showId
                      + "\",\"title\":\""
                      + title
                      + "\",\"genre\":\""
                      + genre
                      + "\",\"plays\":"
                      + plays
                      + ",\"duration_s\":"
                      + duration
                      + ",\"rating\":"
                      + rating
                      + ",\"premium\":"
                      + premium
                      + ",\"created_at\":\""
                      + created
                      + "\"}\n");
            }
          }
          out.flush();
        }
      }
      total += Files.size(file);
    }
    return total;
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }

  /** The benchmark crawls on request: landing events go nowhere. */
  private static final class NoEvents implements LandingEvents {
    @Override
    public void publish(LandingEvent event) {}

    @Override
    public void subscribe(Consumer<LandingEvent> subscriber) {}

    @Override
    public void close() {}
  }
}
