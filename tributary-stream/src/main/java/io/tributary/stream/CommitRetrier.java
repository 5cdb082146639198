package io.tributary.stream;

import io.tributary.lake.AppendResult;
import io.tributary.lake.SummaryExpectation;
import io.tributary.lake.TableReplacedException;
import io.tributary.lake.TableSink;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits to a table with the delivery's offsets in the snapshot summary, retrying with back-off
 * until the commit lands, fenced by the offsets the table holds.
 *
 * <p>Several nodes may deliver one stream, each the partitions the consumer group gave it. Each
 * attempt reads the table's offsets of every partition; for each partition this commit advances,
 * the table must still hold the offset this node started from ({@code known}), else another node
 * committed it and the commit is refused ({@link DeliveryFencedException}). The summary carries the
 * table's offsets with this commit's advanced, and the commit lands only if the table's offsets are
 * still those it read ({@link SummaryExpectation}, checked by Iceberg on every retry): a node that
 * lost its partitions cannot commit their offsets, nor overwrite another node's.
 *
 * <p>A retry first checks whether an earlier attempt whose outcome was unknown did land, so nothing
 * is committed twice. Once the delivery is stopping it gives up after five attempts; a table that
 * was dropped or replaced is never retried.
 */
final class CommitRetrier {
  private static final Logger LOG = LoggerFactory.getLogger(CommitRetrier.class);
  private static final long INITIAL_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final int ATTEMPTS_WHEN_STOPPING = 5;

  /** One commit attempt, given its number, the snapshot properties and the expected offsets. */
  interface Attempt {
    AppendResult run(
        int attempt, Map<String, String> snapshotProperties, SummaryExpectation expected);
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
   * @param known the offsets this node knows the table holds for the partitions it owns
   * @param advanced the offsets this commit moves the table to, for the partitions it read
   * @return the result of the attempt that landed, or {@code null} if an earlier attempt whose
   *     outcome was unknown turned out to have landed
   * @throws DeliveryFencedException if another node committed one of the partitions
   */
  AppendResult commit(
      TableSink sink, Map<Integer, Long> known, Map<Integer, Long> advanced, Attempt attempt)
      throws InterruptedException {
    long backoffMillis = INITIAL_BACKOFF_MILLIS;
    for (int number = 1; ; number++) {
      try {
        Optional<String> current = sink.lastCommitted(offsetsKey);
        Map<Integer, Long> table = DeliveryOffsets.decode(current);
        if (number > 1 && !advanced.isEmpty() && holds(table, advanced)) {
          return null;
        }
        check(sink, table, known, advanced);
        Map<Integer, Long> merged = new TreeMap<>(table);
        advanced.forEach((p, o) -> merged.merge(p, o, Math::max));
        return attempt.run(
            number,
            Map.of(offsetsKey, DeliveryOffsets.encode(merged)),
            new SummaryExpectation(offsetsKey, current));
      } catch (TableReplacedException | DeliveryFencedException e) {
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

  /**
   * Checks that {@code sink}'s table still holds {@code known} for every partition of {@code
   * advanced}.
   *
   * @throws DeliveryFencedException if another node committed one of them
   */
  void checkOwned(TableSink sink, Map<Integer, Long> known, Map<Integer, Long> advanced) {
    check(sink, DeliveryOffsets.decode(sink.lastCommitted(offsetsKey)), known, advanced);
  }

  private void check(
      TableSink sink,
      Map<Integer, Long> table,
      Map<Integer, Long> known,
      Map<Integer, Long> advanced) {
    for (Integer partition : advanced.keySet()) {
      if (!Objects.equals(table.get(partition), known.get(partition))) {
        throw new DeliveryFencedException(
            "Stream "
                + stream
                + ": table "
                + sink.id()
                + " holds offset "
                + table.get(partition)
                + " of partition "
                + partition
                + " instead of "
                + known.get(partition)
                + " read by this node: another node delivered it; resuming from the table");
      }
    }
  }

  private static boolean holds(Map<Integer, Long> table, Map<Integer, Long> advanced) {
    return advanced.entrySet().stream()
        .allMatch(e -> Objects.equals(table.get(e.getKey()), e.getValue()));
  }
}
