package io.tributary.stream.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a function does with one message, whatever its type. Called from several lane threads at
 * once. Throws {@link io.tributary.spi.PermanentFailureException} for failures retrying cannot fix,
 * {@link RetriableFailureException} (or any other exception) for failures worth another attempt.
 */
interface Handler extends AutoCloseable {

  /** A record to emit and the stream (or topic) it goes to. */
  record Emit(String target, ObjectNode value) {}

  /**
   * Handles attempt {@code attempt} (from 1) at {@code message}.
   *
   * @return the records to emit, in order; empty to drop the message
   */
  List<Emit> handle(ObjectNode message, int attempt) throws Exception;

  @Override
  default void close() {}
}
