package io.tributary.core;

/**
 * Where a long-running component (a stream's delivery, a function) is in its life. The JSON edge
 * writes the lower-case name ({@code running}).
 */
public enum ComponentState {
  /** Connecting and resuming; not yet handling data. */
  STARTING,
  /** Handling data. */
  RUNNING,
  /** Stopped on request. */
  STOPPED,
  /** Stopped by an error it cannot recover from; the status's last error says which. */
  FAILED
}
