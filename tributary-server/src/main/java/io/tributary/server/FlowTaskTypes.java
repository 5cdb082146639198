package io.tributary.server;

import io.tributary.batch.CrawlRun;
import io.tributary.batch.Crawlers;
import io.tributary.core.NotFoundException;
import io.tributary.flow.CrawlTaskRunner;
import io.tributary.flow.SparkTaskRunner;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskRunner;
import io.tributary.server.iceberg.IcebergRestRoutes;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The flow task types assembled here, where their parts meet: {@code crawl} over the batch module's
 * crawlers, {@code spark} over the platform's Iceberg REST endpoint.
 */
final class FlowTaskTypes {
  private FlowTaskTypes() {}

  /** The {@code crawl} and {@code spark} task types. */
  static Map<String, TaskRunner> of(Crawlers crawlers, SparkTaskRunner spark) {
    return Map.of("crawl", new CrawlTaskRunner(name -> crawl(crawlers, name)), "spark", spark);
  }

  /**
   * @param dataDir holds {@code spark/jars}, the first place Spark's jars are looked for
   * @param environment the process environment ({@code SPARK_HOME})
   * @param httpUri where the platform's HTTP API listens, once it does
   * @param catalogToken by flow name, a short-lived token of its owner for Spark's calls of the
   *     REST catalog, when needed
   * @param inputs the tables a task's SQL reads, pinned and recorded in its lineage
   */
  static SparkTaskRunner spark(
      Path dataDir,
      Function<String, String> environment,
      Supplier<URI> httpUri,
      Function<String, Optional<String>> catalogToken,
      SparkTaskRunner.Inputs inputs) {
    List<Path> sparkJars = new ArrayList<>();
    sparkJars.add(dataDir.resolve("spark").resolve("jars"));
    String sparkHome = environment.apply("SPARK_HOME");
    if (sparkHome != null && !sparkHome.isBlank()) {
      sparkJars.add(Path.of(sparkHome, "jars"));
    }
    return new SparkTaskRunner(
        new SparkTaskRunner.Settings(
            sparkJars,
            () -> URI.create(httpUri.get() + IcebergRestRoutes.PATH),
            catalogToken,
            "1g"),
        inputs);
  }

  /** One run of crawler {@code name}; a run that does not succeed fails the task. */
  static String crawl(Crawlers crawlers, String name)
      throws TaskFailedException, InterruptedException {
    CrawlRun run;
    try {
      run = crawlers.run(name);
    } catch (NotFoundException e) {
      throw new TaskFailedException("Unknown crawler '" + name + "'", false, e);
    } catch (IllegalStateException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("Interrupted while crawler " + name + " ran");
      }
      throw e;
    }
    if (run.status() != CrawlRun.Status.SUCCEEDED) {
      throw new TaskFailedException(
          "Crawler " + name + " run " + run.id() + " " + run.status() + ": " + run.error(), true);
    }
    CrawlRun.Counts counts = run.counts();
    return "run "
        + run.id()
        + ": "
        + counts.filesLoaded()
        + " files loaded ("
        + counts.rowsLoaded()
        + " rows), "
        + counts.filesRejected()
        + " rejected, "
        + counts.filesUnchanged()
        + " unchanged";
  }
}
