package io.tributary.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A condition on a message's fields, as used by {@code filter} and {@code route} functions:
 *
 * <pre>
 *   predicate  := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" predicate ")" | comparison
 *   comparison := path ("==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") literal
 *               | path "in" "[" literal ("," literal)* "]"
 *               | path "exists"
 *   literal    := "text" | 'text' | number | true | false | null
 *   path       := name ("." name)*      (names: letters, digits, _ and -)
 * </pre>
 *
 * Equality compares numbers by value and everything else by JSON type and value; a missing field
 * equals {@code null}. Ordering comparisons are false unless both sides are numbers or both are
 * strings. Immutable and thread-safe.
 */
public sealed interface FieldPredicate {

  /** Whether {@code message} satisfies the predicate. */
  boolean test(JsonNode message);

  /** Parses the text; errors say where and what was expected. */
  static FieldPredicate parse(String text) {
    return new Parser(Objects.requireNonNull(text, "text is null")).parseAll();
  }

  /** The comparison operators. */
  enum Op {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }
  }

  /** Both sides hold. */
  record And(FieldPredicate left, FieldPredicate right) implements FieldPredicate {
    @Override
    public boolean test(JsonNode message) {
      return left.test(message) && right.test(message);
    }

    @Override
    public String toString() {
      return "(" + left + " and " + right + ")";
    }
  }

  /** Either side holds. */
  record Or(FieldPredicate left, FieldPredicate right) implements FieldPredicate {
    @Override
    public boolean test(JsonNode message) {
      return left.test(message) || right.test(message);
    }

    @Override
    public String toString() {
      return "(" + left + " or " + right + ")";
    }
  }

  /** The negation. */
  record Not(FieldPredicate inner) implements FieldPredicate {
    @Override
    public boolean test(JsonNode message) {
      return !inner.test(message);
    }

    @Override
    public String toString() {
      return "not " + inner;
    }
  }

  /** The field is present and not null. */
  record Exists(FieldPath path) implements FieldPredicate {
    @Override
    public boolean test(JsonNode message) {
      JsonNode value = path.resolve(message);
      return !value.isMissingNode() && !value.isNull();
    }

    @Override
    public String toString() {
      return path + " exists";
    }
  }

  /** The field compared to a literal. */
  record Compare(FieldPath path, Op op, JsonNode literal) implements FieldPredicate {
    @Override
    public boolean test(JsonNode message) {
      JsonNode value = path.resolve(message);
      return switch (op) {
        case EQ -> same(value, literal);
        case NE -> !same(value, literal);
        default -> {
          Integer order = order(value, literal);
          yield order != null
              && switch (op) {
                case LT -> order < 0;
                case LE -> order <= 0;
                case GT -> order > 0;
                default -> order >= 0;
              };
        }
      };
    }

    @Override
    public String toString() {
      return path + " " + op.symbol + " " + literal;
    }
  }

  /** The field equals one of the literals. */
  record In(FieldPath path, List<JsonNode> literals) implements FieldPredicate {
    public In {
      literals = List.copyOf(literals);
    }

    @Override
    public boolean test(JsonNode message) {
      JsonNode value = path.resolve(message);
      return literals.stream().anyMatch(literal -> same(value, literal));
    }

    @Override
    public String toString() {
      return path
          + " in ["
          + literals.stream().map(JsonNode::toString).collect(Collectors.joining(", "))
          + "]";
    }
  }

  private static boolean same(JsonNode value, JsonNode literal) {
    if (value.isMissingNode() || value.isNull()) {
      return literal.isNull();
    }
    if (value.isNumber() && literal.isNumber()) {
      return value.decimalValue().compareTo(literal.decimalValue()) == 0;
    }
    return value.equals(literal);
  }

  private static Integer order(JsonNode value, JsonNode literal) {
    if (value.isNumber() && literal.isNumber()) {
      return value.decimalValue().compareTo(literal.decimalValue());
    }
    if (value.isTextual() && literal.isTextual()) {
      return value.asText().compareTo(literal.asText());
    }
    return null;
  }

  /** A recursive-descent parser over the text. */
  final class Parser {
    private final String text;
    private int pos;

    private Parser(String text) {
      this.text = text;
    }

    FieldPredicate parseAll() {
      skipSpaces();
      if (pos == text.length()) {
        throw error("an empty predicate; expected e.g. change == \"updated\"");
      }
      FieldPredicate result = or();
      skipSpaces();
      if (pos < text.length()) {
        throw error("unexpected '" + rest() + "'; expected 'and', 'or' or the end");
      }
      return result;
    }

    private FieldPredicate or() {
      FieldPredicate left = and();
      while (keyword("or")) {
        left = new Or(left, and());
      }
      return left;
    }

    private FieldPredicate and() {
      FieldPredicate left = unary();
      while (keyword("and")) {
        left = new And(left, unary());
      }
      return left;
    }

    private FieldPredicate unary() {
      skipSpaces();
      if (keyword("not")) {
        return new Not(unary());
      }
      if (symbol("(")) {
        FieldPredicate inner = or();
        if (!symbol(")")) {
          throw error("expected ')'");
        }
        return inner;
      }
      return comparison();
    }

    private FieldPredicate comparison() {
      skipSpaces();
      int start = pos;
      while (pos < text.length() && isPathChar(text.charAt(pos))) {
        pos++;
      }
      String name = text.substring(start, pos);
      if (name.isEmpty()) {
        throw error("expected a field name");
      }
      FieldPath path;
      try {
        path = FieldPath.parse(name);
      } catch (IllegalArgumentException e) {
        pos = start;
        throw error("bad field name '" + name + "': " + e.getMessage());
      }
      if (keyword("exists")) {
        return new Exists(path);
      }
      if (keyword("in")) {
        if (!symbol("[")) {
          throw error("expected '[' after 'in'");
        }
        List<JsonNode> literals = new ArrayList<>();
        do {
          literals.add(literal());
        } while (symbol(","));
        if (!symbol("]")) {
          throw error("expected ',' or ']'");
        }
        return new In(path, literals);
      }
      for (String symbol : List.of("==", "!=", "<=", ">=", "<", ">")) {
        if (symbol(symbol)) {
          Op op = null;
          for (Op candidate : Op.values()) {
            if (candidate.symbol.equals(symbol)) {
              op = candidate;
            }
          }
          return new Compare(path, op, literal());
        }
      }
      throw error("expected ==, !=, <, <=, >, >=, 'in' or 'exists' after '" + name + "'");
    }

    private JsonNode literal() {
      skipSpaces();
      if (pos == text.length()) {
        throw error("expected a value");
      }
      char c = text.charAt(pos);
      if (c == '"' || c == '\'') {
        StringBuilder value = new StringBuilder();
        int start = pos++;
        while (pos < text.length() && text.charAt(pos) != c) {
          if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
            pos++;
          }
          value.append(text.charAt(pos++));
        }
        if (pos == text.length()) {
          pos = start;
          throw error("unterminated string");
        }
        pos++;
        return TextNode.valueOf(value.toString());
      }
      int start = pos;
      while (pos < text.length() && isPathChar(text.charAt(pos))) {
        pos++;
      }
      String word = text.substring(start, pos);
      switch (word) {
        case "true":
          return BooleanNode.TRUE;
        case "false":
          return BooleanNode.FALSE;
        case "null":
          return NullNode.getInstance();
        default:
          break;
      }
      if (word.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?") && word.length() <= 40) {
        return DecimalNode.valueOf(new BigDecimal(word));
      }
      pos = start;
      throw error(
          word.isEmpty()
              ? "expected a value"
              : "expected a value (a quoted string, a number, true, false or null), not '"
                  + word
                  + "'");
    }

    private boolean keyword(String word) {
      skipSpaces();
      int end = pos + word.length();
      if (text.startsWith(word, pos) && (end == text.length() || !isPathChar(text.charAt(end)))) {
        pos = end;
        return true;
      }
      return false;
    }

    private boolean symbol(String symbol) {
      skipSpaces();
      if (text.startsWith(symbol, pos)) {
        pos += symbol.length();
        return true;
      }
      return false;
    }

    private void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private static boolean isPathChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    private String rest() {
      return text.substring(pos, Math.min(text.length(), pos + 20));
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at position " + pos);
    }
  }
}
