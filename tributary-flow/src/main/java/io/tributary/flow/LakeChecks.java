package io.tributary.flow;

import io.tributary.core.TableId;
import io.tributary.lake.Lake;
import io.tributary.query.QueryEngine;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Load-time checks against the platform's lake: trigger and maintain tables must exist (or be
 * declared, e.g. as a stream's table that its first records create), and task SQL must plan on the
 * query engine ({@link QueryEngine#explain}). A SELECT that reads a target of the flow's own tasks
 * that does not exist yet (before the flow's first run) is only parsed.
 */
final class LakeChecks implements FlowChecks {
  private final Lake lake;
  private final QueryEngine query;
  private final Predicate<TableId> declared;

  LakeChecks(Lake lake, QueryEngine query, Predicate<TableId> declared) {
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.query = Objects.requireNonNull(query, "query is null");
    this.declared = Objects.requireNonNull(declared, "declared is null");
  }

  @Override
  public boolean tableExists(TableId table) {
    return declared.test(table) || lake.loadTable(table).isPresent();
  }

  @Override
  public void checkSql(String sql, Set<TableId> produced) {
    String text = sql.toLowerCase(Locale.ROOT);
    boolean readsMissingTarget =
        produced.stream().anyMatch(table -> text.contains(table.name()) && !tableExists(table));
    if (readsMissingTarget) {
      query.check(sql);
    } else {
      query.explain(sql);
    }
  }
}
