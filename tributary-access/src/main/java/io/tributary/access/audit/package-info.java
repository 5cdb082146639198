/**
 * Audit events ({@link io.tributary.access.audit.AuditEvent}: time, principal, action, resource,
 * outcome, client address, detail) and the {@link io.tributary.access.audit.AuditSink} they are
 * recorded to. Every secret access and change, every rotation outcome, and (from identity) every
 * authentication and grant change emits one.
 */
package io.tributary.access.audit;
