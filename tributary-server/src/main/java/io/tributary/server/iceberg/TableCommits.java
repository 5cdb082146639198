package io.tributary.server.iceberg;

import io.tributary.lake.ExternalCommits;
import io.tributary.lake.Lake;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/**
 * Commits that arrive through the REST endpoint, made by the lake ({@link ExternalCommits}) under
 * the commit locks of the platform tables they touch, so they queue behind the platform's own
 * commits (delivery, the crawler, maintenance) in this process.
 */
final class TableCommits {
  private final ExternalCommits commits;

  TableCommits(Lake lake) {
    this.commits = lake.externalCommits();
  }

  /** Validates the requirements and applies the updates (server-side retry on conflicts). */
  LoadTableResponse update(TableIdentifier table, UpdateTableRequest request) {
    return commits.update(table, request);
  }

  /** Commits changes to several tables: see {@link ExternalCommits#commitTransaction}. */
  void commitTransaction(CommitTransactionRequest request) {
    commits.commitTransaction(request);
  }
}
