/**
 * Access: who is asking (users, groups, roles and their credentials), what they may do (grants on
 * namespaces, tables, streams, topics, crawlers, functions and flows), the secret store with
 * rotation, and the audit events every decision produces. The server and the PostgreSQL endpoint
 * enforce its decisions; this module holds no sockets of its own.
 */
package io.tributary.access;
