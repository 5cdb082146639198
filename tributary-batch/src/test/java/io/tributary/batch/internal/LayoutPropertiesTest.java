package io.tributary.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.TableId;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any landing path places into a valid table name and normalised partition columns. */
class LayoutPropertiesTest {

  @Provide
  Arbitrary<List<String>> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMinLength(1).ofMaxLength(12),
            Arbitraries.strings().withChars("abcXYZ09=-_ .é").ofMinLength(1).ofMaxLength(10),
            Arbitraries.integers().between(0, 3000).map(String::valueOf),
            Arbitraries.of("2026-11-26", "2026-02-30", "dt=2026-11-26", "k=", "=v", "a=b=c"));
    return segment.list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(seed = "20261126", tries = 500)
  void everyPathPlacesIntoAValidTable(@ForAll("paths") List<String> segments) {
    String path = String.join("/", segments).replace("//", "/x/");
    if (path.startsWith("/")) {
      path = "x" + path;
    }
    Layout.Placement placement = Layout.place("src", path);
    new TableId("raw", placement.table()); // throws if not a valid table name
    assertThat(placement.table()).startsWith("src");
    for (String column : placement.partitions().keySet()) {
      assertThat(column).matches("[a-z_][a-z0-9_]*");
    }
    assertThat(Layout.place("src", path)).isEqualTo(placement);
  }
}
