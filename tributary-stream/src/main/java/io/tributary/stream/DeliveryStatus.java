package io.tributary.stream;

import io.tributary.core.ComponentState;
import java.time.Instant;

/**
 * What delivery of one stream has done: rows delivered to the table and to its error table since
 * start, records waiting in the buffer, consumer lag, and the last commit and error.
 */
public record DeliveryStatus(
    String stream,
    String table,
    ComponentState state,
    long delivered,
    long errors,
    long buffered,
    long lag,
    long commits,
    Instant lastCommitAt,
    String lastError) {}
