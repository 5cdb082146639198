package io.tributary.spi;

import java.util.List;
import java.util.Map;

/**
 * Custom code run by a function of type {@code java}: loaded by the class name in {@code class:}
 * from the classpath or a jar in {@code <data-dir>/functions/}, with a public no-argument
 * constructor. One instance per running function; {@link #apply} is called from several threads at
 * once (for different keys), so implementations must be thread-safe.
 *
 * <p>A message is a JSON object as plain Java values: {@code Map<String, Object>} for objects,
 * {@code List<Object>} for arrays, {@code String}, {@code Boolean}, {@code Integer}, {@code Long},
 * {@code BigInteger}, {@code Double} or {@code BigDecimal} for scalars, and {@code null}. The map
 * handed to {@link #apply} is a fresh copy the function may change and return.
 *
 * <p>Whatever {@link #apply} returns is emitted to the function's {@code emit-to} stream (an empty
 * list drops the message). An exception is retried with back-off up to {@code retry.attempts}; a
 * {@link PermanentFailureException} goes to the dead letters at once.
 */
public interface RecordFunction extends AutoCloseable {

  /** What a function knows about itself and the message at hand. */
  interface Context {
    /** The function's name. */
    String functionName();

    /** The {@code options:} of the function's config. */
    Map<String, String> options();

    /** The topic the message came from. */
    String topic();

    /** Which attempt at this message this is, from 1. */
    int attempt();

    /**
     * The platform's experiment assignments (sticky variants by unit id), for functions that act by
     * variant; {@link Assignments#NONE} where the platform gives none.
     */
    default Assignments assignments() {
      return Assignments.NONE;
    }
  }

  /** Called once before the first message. */
  default void open(Context context) throws Exception {}

  /**
   * Handles one message.
   *
   * @return the records to emit, in order, each a JSON object as plain Java values
   */
  List<Map<String, Object>> apply(Map<String, Object> message, Context context) throws Exception;

  /** Called once when the function stops. */
  @Override
  default void close() throws Exception {}
}
