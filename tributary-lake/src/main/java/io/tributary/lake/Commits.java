package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;

/** Runs Iceberg commits, mapping their failures to what the caller should do. */
final class Commits {
  private Commits() {}

  /**
   * Runs {@code commit}.
   *
   * @throws RetriableException if the commit failed after Iceberg's retries (nothing committed)
   * @throws OutcomeUnknownException if the commit may or may not have landed
   */
  static void run(TableId table, String what, Runnable commit) {
    try {
      commit.run();
    } catch (CommitStateUnknownException e) {
      throw new OutcomeUnknownException(
          "Cannot tell whether the "
              + what
              + " of table "
              + table
              + " committed; check the"
              + " table before retrying: "
              + e.getMessage(),
          e);
    } catch (CommitFailedException e) {
      throw new RetriableException(
          ErrorCode.COMMIT_FAILED,
          "Cannot commit the "
              + what
              + " of table "
              + table
              + " (changed concurrently): "
              + e.getMessage(),
          e);
    }
  }
}
