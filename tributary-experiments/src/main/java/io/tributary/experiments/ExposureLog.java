package io.tributary.experiments;

import java.util.Map;

/** Where exposure events go: the platform's stream {@code experiment_exposures}. */
@FunctionalInterface
public interface ExposureLog {
  /** Logs one exposure event (a JSON object as plain values). */
  void log(Map<String, Object> event);
}
