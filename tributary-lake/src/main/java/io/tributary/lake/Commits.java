package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import java.io.UncheckedIOException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs Iceberg commits, mapping their failures once to what the caller should do: retry ({@link
 * RetriableException}: Iceberg's own retries on {@link CommitFailedException} ran out), plan again
 * ({@link CommitConflictException}: a concurrent change invalidated this one), or keep the files
 * and check the table ({@link OutcomeUnknownException}). A failure of the lake's storage (a local
 * disk or S3 that failed after the SDK's retries) comes before the catalog's pointer moves, so
 * nothing was committed: retry.
 */
final class Commits {
  private Commits() {}

  /**
   * Runs {@code commit}.
   *
   * @throws RetriableException if the commit failed after Iceberg's retries, or the storage failed
   *     (nothing committed)
   * @throws OutcomeUnknownException if the commit may or may not have landed
   * @throws CommitConflictException if a concurrent change invalidated this one (nothing committed)
   */
  static void run(TableId table, String what, Runnable commit) {
    call(
        table,
        what,
        () -> {
          commit.run();
          return null;
        });
  }

  /** Runs {@code step} of a commit and returns its result, mapping failures as {@link #run}. */
  static <T> T call(TableId table, String what, java.util.function.Supplier<T> step) {
    try {
      return step.get();
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
    } catch (ValidationException e) {
      throw new CommitConflictException(table, what, e);
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
    } catch (UncheckedIOException | SdkException e) {
      throw new RetriableException(
          ErrorCode.COMMIT_FAILED,
          "Cannot commit the "
              + what
              + " of table "
              + table
              + " (the lake's storage failed): "
              + e.getMessage(),
          e);
    }
  }
}
