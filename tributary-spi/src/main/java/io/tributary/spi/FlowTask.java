package io.tributary.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * Custom code run by a flow task of type {@code java}: loaded by the class name in {@code class:}
 * from the classpath or a jar in {@code <data-dir>/plugins/}, with a public no-argument
 * constructor. A new instance runs each try.
 *
 * <p>Returning from {@link #run} is success. An exception fails the try, which is retried under the
 * task's {@code retries}; a {@link PermanentFailureException} fails the task at once. A try that
 * outlives the task's {@code timeout} is interrupted: long work should check {@link
 * Thread#interrupted()}. Re-running a logical date runs the task again, so a task should replace
 * what an earlier try of the same date wrote.
 */
public interface FlowTask {

  /** What a try knows about itself and its run. */
  interface Context {
    /** The flow's name. */
    String flowName();

    /** The run's id. */
    String runId();

    /** The task's id in the flow. */
    String taskId();

    /** Which try of the task this is, from 1. */
    int tryNumber();

    /** The run's logical date, as a date in the flow's time zone. */
    LocalDate logicalDate();

    /** Start of the run's data interval. */
    Instant dataIntervalStart();

    /** End of the run's data interval. */
    Instant dataIntervalEnd();

    /** The flow's {@code params}, then the task's {@code options} (which win), rendered. */
    Map<String, String> params();

    /** Adds a line to the try's log. */
    void log(String line);

    /** Reports one output of the try (a count, a path...), kept in the try's log. */
    void output(String name, String value);
  }

  /** Runs one try. */
  void run(Context context) throws Exception;
}
