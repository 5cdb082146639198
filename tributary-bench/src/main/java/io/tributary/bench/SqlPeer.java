package io.tributary.bench;

/** Something the query benchmark times: runs SQL and reads every row of the answer. */
interface SqlPeer extends AutoCloseable {
  /** The peer's name in the results, e.g. {@code duckdb}. */
  String name();

  /** Runs {@code sql}, reads every row, and returns how many there were. */
  long run(String sql) throws Exception;
}
