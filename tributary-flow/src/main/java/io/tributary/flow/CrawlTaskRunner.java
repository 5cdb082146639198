package io.tributary.flow;

import java.util.Objects;

/**
 * Runs {@code crawl} tasks: one run of the named crawler through {@link Crawls}, supplied by
 * whoever assembles the platform; the task fails if the run fails.
 */
public final class CrawlTaskRunner implements TaskRunner {
  /** Starts crawler runs and waits for their end. */
  @FunctionalInterface
  public interface Crawls {
    /**
     * Runs crawler {@code name} once and waits for the run to end.
     *
     * @return a one-line summary of a successful run (what it read and wrote)
     * @throws TaskFailedException if the run failed (retriable unless the crawler does not exist)
     * @throws InterruptedException if the wait was interrupted (the task timed out)
     */
    String run(String name) throws TaskFailedException, InterruptedException;
  }

  private final Crawls crawls;

  public CrawlTaskRunner(Crawls crawls) {
    this.crawls = Objects.requireNonNull(crawls, "crawls is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context)
      throws TaskFailedException, InterruptedException {
    TaskAction.Crawl crawl = (TaskAction.Crawl) action;
    context.log().accept("Running crawler " + crawl.crawler());
    context
        .log()
        .accept("Crawler " + crawl.crawler() + " succeeded: " + crawls.run(crawl.crawler()));
  }
}
