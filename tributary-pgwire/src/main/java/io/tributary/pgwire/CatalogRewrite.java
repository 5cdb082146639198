package io.tributary.pgwire;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smallest rewrite that lets DuckDB answer the catalog queries PostgreSQL clients send (psql's
 * backslash commands, pgJDBC's DatabaseMetaData): PostgreSQL-only syntax DuckDB's parser rejects
 * is replaced by its DuckDB equivalent. Statements that name no catalog pass unchanged.
 */
final class CatalogRewrite {
  private record Rule(Pattern pattern, String replacement) {}

  private static final List<Rule> RULES =
      List.of(
          // psql: c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default
          rule("OPERATOR\\s*\\(\\s*pg_catalog\\s*\\.\\s*~\\s*\\)", "~"),
          rule("OPERATOR\\s*\\(\\s*pg_catalog\\s*\\.\\s*!~\\s*\\)", "!~"),
          rule("COLLATE\\s+pg_catalog\\s*\\.\\s*\"?default\"?", ""));

  private CatalogRewrite() {}

  private static Rule rule(String regex, String replacement) {
    return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), replacement);
  }

  static String apply(String sql) {
    if (!sql.contains("pg_") && !sql.contains("information_schema")) {
      return sql;
    }
    String rewritten = sql;
    for (Rule rule : RULES) {
      rewritten = rule.pattern().matcher(rewritten).replaceAll(Matcher.quoteReplacement(rule.replacement()));
    }
    return rewritten;
  }
}
