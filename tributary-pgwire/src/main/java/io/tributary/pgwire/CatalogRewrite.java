package io.tributary.pgwire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The smallest layer that lets DuckDB answer the catalog queries PostgreSQL clients send (psql's
 * backslash commands, pgJDBC's DatabaseMetaData). DuckDB ships most of {@code pg_catalog}; for a
 * statement that reads it, this class rewrites the PostgreSQL-only syntax DuckDB's parser rejects
 * and drops the {@code pg_catalog.} prefixes, so that the views and macros of {@code
 * pg_catalog.sql} (run first, in the same database) shadow DuckDB's where it lacks a column or a
 * function, or uses its own type OIDs. Statements that name no catalog pass unchanged.
 */
final class CatalogRewrite {
  /** The trusted statements that define the emulation's views and macros. */
  static final List<String> SETUP =
      SqlText.split(
          resource("pg_catalog.sql").replace("${server_version}", PgWireServer.SERVER_VERSION));

  /**
   * {@link #SETUP} and the session's user, as {@code session_user} and {@code current_user} answer
   * it (DuckDB's own answer "duckdb").
   */
  static List<String> setup(String user) {
    String literal = "'" + user.replace("'", "''") + "'";
    List<String> statements = new ArrayList<>(SETUP);
    statements.add("CREATE MACRO \"session_user\"() AS " + literal);
    statements.add("CREATE MACRO \"current_user\"() AS " + literal);
    return List.copyOf(statements);
  }

  private static final Pattern CATALOG =
      Pattern.compile(
          "\\bpg_[a-z_]+\\b|\\binformation_schema\\b|\\b(?:current_database|version)\\s*\\("
              + "|\\b(?:session_user|current_user)\\b",
          Pattern.CASE_INSENSITIVE);

  private record Rule(Pattern pattern, String replacement) {}

  private static final List<Rule> RULES =
      List.of(
          // psql: c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default
          rule("OPERATOR\\s*\\(\\s*pg_catalog\\s*\\.\\s*(!?~)\\s*\\)", "$1"),
          rule("COLLATE\\s+pg_catalog\\s*\\.\\s*\"?default\"?", ""),
          // 'pg_class'::regclass (pgJDBC, to match pg_description rows: DuckDB has none)
          rule("'(\\d+)'\\s*::\\s*(?:pg_catalog\\.)?(?:regclass|regtype|regproc|oid)\\b", "$1"),
          rule(
              "'(?:[a-z_]+\\.)?([a-z_]+)'\\s*::\\s*(?:pg_catalog\\.)?regclass\\b",
              "(SELECT min(oid) FROM pg_class WHERE relname = '$1')"),
          // pgJDBC's type cache: typinput='pg_catalog.array_in'::regproc (typinput is text here)
          rule("'(?:pg_catalog\\.)?([a-z_]+)'\\s*::\\s*(?:pg_catalog\\.)?regproc\\b", "'$1'"),
          rule("::\\s*(?:pg_catalog\\.)?(?:regclass|regtype|regproc|regnamespace)\\b", "::BIGINT"),
          rule("\\bpg_catalog\\s*\\.\\s*", ""),
          // DBeaver: SELECT current_schema(),session_user (DuckDB's answers "duckdb")
          rule("(?<![\"\\w])(session_user|current_user)\\b(?!\\s*\\()", "\"$1\"()"),
          // SQLAlchemy's get_columns
          rule("::\\s*oid\\b", "::BIGINT"),
          rule("\\bjson_build_object\\s*\\(", "json_object("),
          // pgJDBC's getPrimaryKeys: a set-returning function DuckDB lacks (no table has keys)
          rule("\\binformation_schema\\s*\\.\\s*_pg_expandarray\\b", "tributary_expandarray"),
          rule("\\bformat_type\\s*\\(", "tributary_format_type("),
          // a macro would shadow the function DuckDB's own catalog views filter on
          rule("\\bcurrent_database\\s*\\(\\s*\\)", "'tributary'"));

  private CatalogRewrite() {}

  private static Rule rule(String regex, String replacement) {
    return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), replacement);
  }

  /** Whether {@code sql} reads the catalogs, so that it needs {@link #SETUP} and the rewrite. */
  static boolean readsCatalog(String sql) {
    return CATALOG.matcher(sql).find();
  }

  /** {@code sql} rewritten for DuckDB when it reads the catalogs; else {@code sql} itself. */
  static String apply(String sql) {
    if (!readsCatalog(sql)) {
      return sql;
    }
    String rewritten = sql;
    for (Rule rule : RULES) {
      rewritten = rule.pattern().matcher(rewritten).replaceAll(rule.replacement());
    }
    return rewritten;
  }

  private static String resource(String name) {
    try (InputStream in = CatalogRewrite.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
