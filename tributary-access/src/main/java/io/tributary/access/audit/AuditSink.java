package io.tributary.access.audit;

/**
 * Where audit events go. {@link #record} must not block on storage and must not throw: an
 * implementation buffers and writes in the background (the platform's appends batches to the lake
 * table {@code raw.audit_log}).
 */
@FunctionalInterface
public interface AuditSink {
  /** Records {@code event}. */
  void record(AuditEvent event);
}
