package io.tributary.flow;

import io.tributary.core.TableId;
import io.tributary.lake.Lake;
import io.tributary.query.QueryEngine;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
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
  private final Consumer<String> references;

  /**
   * @param references checks the secret and variable references of a setting (throws {@link
   *     io.tributary.core.InvalidInputException} naming one that is not set)
   */
  LakeChecks(
      Lake lake, QueryEngine query, Predicate<TableId> declared, Consumer<String> references) {
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.query = Objects.requireNonNull(query, "query is null");
    this.declared = Objects.requireNonNull(declared, "declared is null");
    this.references = Objects.requireNonNull(references, "references is null");
  }

  @Override
  public boolean tableExists(TableId table) {
    return declared.test(table) || lake.loadTable(table).isPresent();
  }

  @Override
  public void checkReferences(String text) {
    references.accept(text);
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
