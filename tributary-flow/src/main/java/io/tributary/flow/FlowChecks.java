package io.tributary.flow;

import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a flow is checked against when it is loaded: the tables that exist and the SQL the engine
 * accepts. Every check runs without running a query.
 */
public interface FlowChecks {
  /** Whether {@code table} exists in the lake. */
  boolean tableExists(TableId table);

  /**
   * Checks a rendered SELECT: it parses and every table it reads exists, except those in {@code
   * produced} (the targets of the flow's own tasks, which may not exist before its first run).
   *
   * @throws InvalidInputException with the engine's message if not
   */
  void checkSql(String sql, Set<TableId> produced);

  /**
   * Checks that every {@code ${secret:name}} and {@code ${var:key}} in {@code text} names a secret
   * or variable that is set (none here: flows checked without the platform's stores).
   *
   * @throws InvalidInputException naming the first one that is not
   */
  default void checkReferences(String text) {}

  /** Checks that SQL parses with {@code sqlCheck}; tables are not checked. */
  static FlowChecks syntaxOnly(Consumer<String> sqlCheck) {
    Objects.requireNonNull(sqlCheck, "sqlCheck is null");
    return of(table -> true, (sql, produced) -> sqlCheck.accept(sql));
  }

  /** Checks from a table lookup and a SQL check. */
  static FlowChecks of(Predicate<TableId> tableExists, SqlCheck sqlCheck) {
    Objects.requireNonNull(tableExists, "tableExists is null");
    Objects.requireNonNull(sqlCheck, "sqlCheck is null");
    return new FlowChecks() {
      @Override
      public boolean tableExists(TableId table) {
        return tableExists.test(table);
      }

      @Override
      public void checkSql(String sql, Set<TableId> produced) {
        sqlCheck.check(sql, produced);
      }
    };
  }

  /** The SQL half of {@link FlowChecks}. */
  @FunctionalInterface
  interface SqlCheck {
    void check(String sql, Set<TableId> produced);
  }
}
