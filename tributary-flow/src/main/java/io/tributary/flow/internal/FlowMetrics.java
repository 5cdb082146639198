package io.tributary.flow.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * The flows' meters: runs ended by state, task try durations, task-to-task latency (upstream end to
 * start), scheduling delay (a scheduled run's interval end to its start) and task scheduling delay
 * (a task instance due in the scheduler to its first try's start), as Prometheus histograms.
 */
public final class FlowMetrics {
  private final MeterRegistry registry;

  public FlowMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry is null");
  }

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .publishPercentileHistogram()
        .register(registry);
  }

  void runEnded(String flow, String state) {
    Counter.builder("tributary.flow.runs")
        .description("Flow runs ended, by state")
        .tags("flow", flow, "state", state)
        .register(registry)
        .increment();
  }

  void tryEnded(String flow, String type, String outcome, Duration duration) {
    timer(
            "tributary.flow.task.duration",
            "Duration of task tries",
            "flow",
            flow,
            "type",
            type,
            "outcome",
            outcome)
        .record(duration);
  }

  void taskToTask(String flow, Duration latency) {
    timer(
            "tributary.flow.task.latency",
            "From the end of upstream tasks to the start",
            "flow",
            flow)
        .record(latency);
  }

  void taskSchedulingDelay(String flow, Duration delay) {
    timer(
            "tributary.flow.task.scheduling.delay",
            "From the time a task instance is due in the scheduler to the start of its first try",
            "flow",
            flow)
        .record(delay);
  }

  void schedulingDelay(String flow, Duration delay) {
    timer(
            "tributary.flow.scheduling.delay",
            "From the end of a scheduled run's interval to its start",
            "flow",
            flow)
        .record(delay);
  }
}
