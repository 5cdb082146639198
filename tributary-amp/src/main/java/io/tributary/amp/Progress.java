package io.tributary.amp;

/**
 * A progress report of a running simulation, made about once a second.
 *
 * @param sent records the server answered for so far
 * @param accepted records the server accepted so far
 * @param eventsPerSecond the send rate measured since the previous report
 */
public record Progress(long sent, long accepted, double eventsPerSecond) {}
