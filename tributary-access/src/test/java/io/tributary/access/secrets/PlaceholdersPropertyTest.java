package io.tributary.access.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

class PlaceholdersPropertyTest {
  private static final Map<String, String> SECRETS =
      Map.of("db_password", "p@ss${var:region}", "api.key", "$1\\2", "_t-1", "x");
  private static final Map<String, String> VARIABLES =
      Map.of("region", "eu-west-1", "limits", "{\"max\":3}", "empty", "");

  private final Placeholders placeholders =
      new Placeholders(
          name -> Optional.ofNullable(SECRETS.get(name)),
          key -> Optional.ofNullable(VARIABLES.get(key)));

  /** A piece of text and what it resolves to. */
  record Piece(String text, String resolved) {}

  @Provide
  Arbitrary<Piece> pieces() {
    Arbitrary<Piece> literal =
        Arbitraries.strings()
            .all()
            .ofMaxLength(12)
            .filter(s -> s.indexOf('$') < 0)
            .map(s -> new Piece(s, s));
    Arbitrary<Piece> dollar =
        Arbitraries.of("$", "$$", "${", "${secret:", "${other:x}", "${var:}")
            .map(s -> new Piece(s, s));
    Arbitrary<Piece> secret =
        Arbitraries.of(SECRETS.keySet()).map(n -> new Piece("${secret:" + n + "}", SECRETS.get(n)));
    Arbitrary<Piece> variable =
        Arbitraries.of(VARIABLES.keySet())
            .map(k -> new Piece("${var:" + k + "}", VARIABLES.get(k)));
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(4, literal), Tuple.of(1, dollar), Tuple.of(2, secret), Tuple.of(2, variable)));
  }

  @Property(tries = 2000, seed = "1515")
  void referencesResolveToTheirValuesInOnePass(@ForAll("texts") List<Piece> pieces) {
    String text = String.join("", pieces.stream().map(Piece::text).toList());
    String expected = String.join("", pieces.stream().map(Piece::resolved).toList());
    assertThat(placeholders.resolve(text)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<Piece>> texts() {
    return pieces().list().ofMaxSize(8);
  }

  @Property(tries = 1000, seed = "1515")
  void textWithoutReferencesIsLeftAsItIs(@ForAll @Size(max = 40) String text) {
    String plain = text.replace("${", "$ {");
    assertThat(placeholders.resolve(plain)).isEqualTo(plain);
  }

  @Property(tries = 500, seed = "1515")
  void anUnknownNameIsNamedInTheError(@ForAll("unknownNames") String name) {
    assertThatThrownBy(() -> placeholders.resolve("url=${secret:" + name + "}"))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).errorCode())
                    .isEqualTo(ErrorCode.MISSING_SECRET))
        .hasMessageContaining("secret '" + name + "'");
    assertThatThrownBy(() -> placeholders.resolve("${var:" + name + "}!"))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_VARIABLE))
        .hasMessageContaining("variable '" + name + "'");
  }

  @Provide
  Arbitrary<String> unknownNames() {
    return Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').ofLength(1),
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .numeric()
                .withChars("_.-")
                .ofMaxLength(20))
        .as((first, rest) -> first + rest)
        .filter(name -> !SECRETS.containsKey(name) && !VARIABLES.containsKey(name));
  }
}
