package io.tributary.flow;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task runner for tests, driven by the task's URL path: {@code /ok}, {@code /fail} (retriable),
 * {@code /bad} (not retriable), {@code /flaky/N} (fails the first N tries), {@code /block} (waits
 * for {@link #release}). Records the order tries start in and the most tries of one task running at
 * once, and the most tries of any tasks running at once.
 */
final class FakeRunner implements TaskRunner {
  final List<String> started = new CopyOnWriteArrayList<>();
  final Map<String, Long> startedAtNanos = new ConcurrentHashMap<>();
  final Map<String, Long> endedAtNanos = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger allRunning = new AtomicInteger();
  final AtomicInteger mostOfAllAtOnce = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(1);

  void release() {
    gate.countDown();
  }

  @Override
  public void run(TaskAction action, TaskContext context) throws Exception {
    String path = java.net.URI.create(((TaskAction.Http) action).url()).getPath();
    String key = context.runId() + "/" + context.taskId();
    AtomicInteger now = running.computeIfAbsent(key, k -> new AtomicInteger());
    mostAtOnce.accumulateAndGet(now.incrementAndGet(), Math::max);
    mostOfAllAtOnce.accumulateAndGet(allRunning.incrementAndGet(), Math::max);
    started.add(context.taskId());
    startedAtNanos.put(key, System.nanoTime());
    try {
      context.log().accept("fake " + path);
      if (path.equals("/fail")) {
        throw new TaskFailedException("failing on purpose", true);
      }
      if (path.equals("/bad")) {
        throw new TaskFailedException("bad request", false);
      }
      if (path.startsWith("/flaky/")
          && context.tryNumber() <= Integer.parseInt(path.substring("/flaky/".length()))) {
        throw new TaskFailedException("flaky try " + context.tryNumber(), true);
      }
      if (path.equals("/block")) {
        gate.await();
      }
    } finally {
      now.decrementAndGet();
      allRunning.decrementAndGet();
      endedAtNanos.put(key, System.nanoTime());
    }
  }
}
