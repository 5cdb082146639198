package io.tributary.stream;

import io.tributary.lake.AppendResult;
import io.tributary.lake.TableReplacedException;
import io.tributary.lake.TableSink;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits to a table with the delivery's offsets in the snapshot summary, retrying with back-off
 * until the commit lands. A retry first checks whether an earlier attempt whose outcome was unknown
 * did land, so nothing is committed twice. Once the delivery is stopping it gives up after five
 * attempts; a table that was dropped or replaced is never retried.
 */
final class CommitRetrier {
  private static final Logger LOG = LoggerFactory.getLogger(CommitRetrier.class);
  private static final long INITIAL_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final int ATTEMPTS_WHEN_STOPPING = 5;

  /** One commit attempt, given its number and the snapshot properties to commit. */
  interface Attempt {
    AppendResult run(int attempt, Map<String, String> snapshotProperties);
  }

  private final String stream;
  private final String offsetsKey;
  private final BooleanSupplier running;
  private final Consumer<String> onFailedAttempt;

  CommitRetrier(
      String stream, String offsetsKey, BooleanSupplier running, Consumer<String> onFailedAttempt) {
    this.stream = stream;
    this.offsetsKey = offsetsKey;
    this.running = running;
    this.onFailedAttempt = onFailedAttempt;
  }

  /**
   * Runs attempts until one lands.
   *
   * @return the result of the attempt that landed, or {@code null} if an earlier attempt whose
   *     outcome was unknown turned out to have landed
   */
  AppendResult commit(TableSink sink, Map<Integer, Long> offsets, Attempt attempt)
      throws InterruptedException {
    String encoded = DeliveryOffsets.encode(offsets);
    long backoffMillis = INITIAL_BACKOFF_MILLIS;
    for (int number = 1; ; number++) {
      try {
        if (number > 1 && sink.lastCommitted(offsetsKey).map(encoded::equals).orElse(false)) {
          return null;
        }
        return attempt.run(number, Map.of(offsetsKey, encoded));
      } catch (TableReplacedException e) {
        throw e;
      } catch (RuntimeException e) {
        onFailedAttempt.accept(e.getMessage());
        LOG.warn(
            "Stream {}: commit attempt {} failed, retrying in {} ms: {}",
            stream,
            number,
            backoffMillis,
            e.toString());
        if (!running.getAsBoolean() && number >= ATTEMPTS_WHEN_STOPPING) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }
}
