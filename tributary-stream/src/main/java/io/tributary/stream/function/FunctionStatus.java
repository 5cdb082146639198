package io.tributary.stream.function;

import io.tributary.core.ComponentState;
import io.tributary.core.config.FunctionSpec;

/**
 * What a function has done since it started in this process.
 *
 * @param name the function
 * @param topic the topic it subscribes to
 * @param type its type
 * @param state where the function is in its life
 * @param processed messages handled and committed (emitted, filtered out or dead-lettered)
 * @param emitted records emitted to target streams
 * @param filtered messages that emitted nothing (filtered out, or no route matched)
 * @param retries attempts that failed and were retried
 * @param deadLetters messages sent to the dead-letter stream
 * @param lag messages in the topic not yet handled
 * @param throughput messages processed per second, over the last few seconds
 * @param lastError the last failure of an attempt or a commit, or null
 */
public record FunctionStatus(
    String name,
    String topic,
    FunctionSpec.Type type,
    String emitTo,
    String deadLetterStream,
    ComponentState state,
    long processed,
    long emitted,
    long filtered,
    long retries,
    long deadLetters,
    long lag,
    double throughput,
    String lastError) {}
