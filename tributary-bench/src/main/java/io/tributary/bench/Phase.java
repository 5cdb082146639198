package io.tributary.bench;

/** A timed phase: {@code events} in {@code nanos} of wall time and {@code cpuNanos} of CPU. */
record Phase(long events, long nanos, long cpuNanos) {
  Phase {
    if (events < 0 || nanos < 0) {
      throw new IllegalArgumentException(
          "A phase's events and time cannot be negative: events " + events + ", nanos " + nanos);
    }
  }

  double rate() {
    return events / (nanos / 1e9);
  }

  double cpuMicrosPerEvent() {
    return cpuNanos / 1e3 / events;
  }
}
