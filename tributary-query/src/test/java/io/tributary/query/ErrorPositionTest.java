package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ErrorPositionTest {
  private static final String[] WORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "a",
    "b_2",
    "raw.events",
    "count(*)",
    "'text'",
    "42",
    "(",
    ")",
    ",",
    "=",
    "<>",
    "\"Quoted col\"",
    "ORDER",
    "BY",
    "LIMIT",
    "é"
  };

  /** A statement of random lines, and an error spot in it, in DuckDB's message format. */
  record Case(String sql, int line, int column, String message) {}

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }

  @Property(tries = 2000, seed = "20261205")
  void findsTheSpotDuckDbPointsAt(@ForAll("seeds") long seed) {
    Case c = randomCase(new Random(seed));
    Optional<ErrorPosition> position = ErrorPosition.locate(c.sql(), c.message());
    assertThat(position).as("seed %d: %s", seed, c.message()).isPresent();
    assertThat(position.get().line()).as("seed %d", seed).isEqualTo(c.line());
    assertThat(position.get().column()).as("seed %d: %s", seed, c.message()).isEqualTo(c.column());
    String[] lines = c.sql().split("\n", -1);
    int offset = 0;
    for (int i = 0; i < c.line() - 1; i++) {
      offset += lines[i].length() + 1;
    }
    assertThat(position.get().offset()).isEqualTo(offset + c.column());
  }

  @Property(tries = 2000, seed = "20261205")
  void neverFailsOnAnyMessage(@ForAll("seeds") long seed) {
    Random random = new Random(seed);
    String sql = randomLines(random);
    StringBuilder message = new StringBuilder();
    String[] pieces = {"LINE ", "1", "2", "99999999999", ": ", "\n", "^", " ", "...", "x", "\r"};
    for (int i = random.nextInt(30); i > 0; i--) {
      message.append(pieces[random.nextInt(pieces.length)]);
    }
    Optional<ErrorPosition> position = ErrorPosition.locate(sql, message.toString());
    position.ifPresent(
        p -> {
          assertThat(p.offset()).isBetween(0, sql.length());
          assertThat(p.line()).isBetween(1, sql.split("\r\n|\r|\n", -1).length);
        });
  }

  @Property(tries = 1000, seed = "20261205")
  void aDescribedPositionIsReadBack(@ForAll("seeds") long seed) {
    Random random = new Random(seed);
    String sql = randomLines(random).replace("\n", random.nextBoolean() ? "\n" : "\r\n");
    int offset = random.nextInt(sql.length() + 1);
    if (offset > 0 && offset < sql.length() && sql.charAt(offset - 1) == '\r') {
      offset--; // between \r and \n is no place
    }
    String message = ErrorPosition.describe(sql, offset, "Parser Error: syntax error");
    Optional<ErrorPosition> position = ErrorPosition.locate(sql, message);
    assertThat(position).as("seed %d", seed).isPresent();
    assertThat(position.get().offset()).as("seed %d: %s", seed, message).isEqualTo(offset);
  }

  @Test
  void parserErrorsOfTheStatementCheckCarryTheirPosition() throws SQLException {
    String sql = "SELECT n\nFROM range(3) t(n)\nWHERE = 1";
    String unicode = "SELECT 'é', n\nFROM range(3) t(n)\nWHERE 'ü' = = 1";
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
      for (String text : List.of(sql, unicode)) {
        try {
          StatementCheck.runnable(connection, text);
          throw new AssertionError("expected a parser error from " + text);
        } catch (io.tributary.core.InvalidInputException e) {
          assertThat(e.getMessage()).startsWith("Parser Error: syntax error at or near");
          ErrorPosition position = ErrorPosition.locate(text, e).orElseThrow();
          assertThat(position.line()).isEqualTo(3);
          assertThat(text.substring(position.offset())).startsWith("= 1");
        }
      }
    }
    assertThat(StatementCheck.charOffset("aé b", 4)).isEqualTo(3);
    assertThat(StatementCheck.charOffset("aé b", 2)).isEqualTo(-1);
  }

  @Test
  void noLineMeansNoPosition() {
    assertThat(ErrorPosition.locate("SELECT 1", "Catalog Error: Table x does not exist")).isEmpty();
    assertThat(ErrorPosition.locate("SELECT 1", (String) null)).isEmpty();
    assertThat(ErrorPosition.locate("SELECT 1", "LINE 3: x\n        ^")).isEmpty();
  }

  @Test
  void realDuckDbErrorsPointAtTheirToken() throws SQLException {
    assertSpot("SELECT a\nFROM t\nWHERE = 1", "= 1", 3);
    assertSpot("SELECT a,\n  b\nFROM (SELECT 1 AS a) t WHERE nope = 1", "nope", 3);
    String longLine =
        "SELECT 1 AS one, 2 AS two, 3 AS three, 4 AS four, 5 AS five, 6 AS six, 7 AS seven,"
            + " missing_column_here + 1 AS eight, 9 AS nine, 10 AS ten, 11 AS eleven, 12 AS x";
    assertSpot(longLine, "missing_column_here", 1);
    assertSpot(
        "SELECT 1\n, 2\n, " + longLine.substring(7) + " FROM (SELECT 1) t",
        "missing_column_here",
        3);
  }

  @Test
  void theEngineExceptionsKeepTheWholeMessageInTheirCause() {
    SQLException duck =
        new SQLException("Parser Error: syntax error at or near \"x\"\n\nLINE 1: a x\n          ^");
    RuntimeException wrapped =
        new io.tributary.core.InvalidInputException(
            io.tributary.core.ErrorCode.QUERY_ERROR, Sql.firstLine(duck.getMessage()), duck);
    assertThat(ErrorPosition.locate("a x", wrapped)).contains(new ErrorPosition(1, 2, 2));
  }

  private static void assertSpot(String sql, String token, int line) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.executeQuery(sql).close();
      throw new AssertionError("expected an error from " + sql);
    } catch (SQLException e) {
      Optional<ErrorPosition> position = ErrorPosition.locate(sql, e);
      assertThat(position).as(e.getMessage()).isPresent();
      assertThat(position.get().line()).as(e.getMessage()).isEqualTo(line);
      assertThat(sql.substring(position.get().offset())).as(e.getMessage()).startsWith(token);
    }
  }

  private static String randomLines(Random random) {
    StringBuilder sql = new StringBuilder();
    int lines = 1 + random.nextInt(5);
    for (int l = 0; l < lines; l++) {
      if (l > 0) {
        sql.append('\n');
      }
      for (int w = random.nextInt(40); w > 0; w--) {
        sql.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        if (random.nextInt(4) == 0) {
          sql.append("id_").append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
      }
    }
    return sql.toString();
  }

  /**
   * A random statement and an error spot in a non-empty line, formatted as DuckDB does: the line
   * cut to at most 40 characters before and 40 from the spot, dots where it was cut, a caret under
   * the spot.
   */
  private static Case randomCase(Random random) {
    String sql;
    List<Integer> candidates;
    String[] lines;
    do {
      sql = randomLines(random);
      lines = sql.split("\n", -1);
      candidates = new ArrayList<>();
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isEmpty()) {
          candidates.add(i);
        }
      }
    } while (candidates.isEmpty());
    int lineIndex = candidates.get(random.nextInt(candidates.size()));
    String text = lines[lineIndex];
    int column = random.nextInt(text.length());
    int from = column >= 40 ? column - 39 : 0;
    int to = text.length() - column > 40 ? column + 40 : text.length();
    String prefix = "LINE " + (lineIndex + 1) + ": ";
    String shown =
        (from > 0 ? "..." : "") + text.substring(from, to) + (to < text.length() ? "..." : "");
    String caret = " ".repeat(prefix.length() + (from > 0 ? 3 : 0) + column - from) + "^";
    String kind = random.nextBoolean() ? "Parser Error: syntax error" : "Binder Error: no column";
    return new Case(sql, lineIndex + 1, column, kind + "\n\n" + prefix + shown + "\n" + caret);
  }
}
