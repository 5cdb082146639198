package io.tributary.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time the whole process spent over a phase (every thread: the platform, the broker, the JIT
 * compilers and the garbage collector), less that of the benchmark's own load-generating threads.
 * On a machine whose cores are busy, CPU per event bounds the rate better than wall time, which
 * other tenants of the machine skew.
 */
final class CpuMeter {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Predicate<String> loadGenerator;
  private final long processStart;
  private final Map<Long, Long> loadStart;

  private CpuMeter(Predicate<String> loadGenerator) {
    this.loadGenerator = loadGenerator;
    this.loadStart = loadThreads();
    this.processStart = OS.getProcessCpuTime();
  }

  /** Starts measuring; threads whose names {@code loadGenerator} accepts are not counted. */
  static CpuMeter start(Predicate<String> loadGenerator) {
    return new CpuMeter(loadGenerator);
  }

  /** Starts measuring the whole process. */
  static CpuMeter start() {
    return new CpuMeter(name -> false);
  }

  /** CPU nanoseconds since the start, less the load generator's (read before its threads end). */
  long nanos() {
    long process = OS.getProcessCpuTime() - processStart;
    long load = 0;
    for (Map.Entry<Long, Long> thread : loadThreads().entrySet()) {
      load += thread.getValue() - loadStart.getOrDefault(thread.getKey(), 0L);
    }
    return process - load;
  }

  private Map<Long, Long> loadThreads() {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && loadGenerator.test(info.getThreadName())) {
        long nanos = THREADS.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          cpu.put(info.getThreadId(), nanos);
        }
      }
    }
    return cpu;
  }
}
