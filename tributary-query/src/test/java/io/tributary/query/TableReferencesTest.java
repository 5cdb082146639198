package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.TableId;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TableReferencesTest {
  private static final Set<String> NAMESPACES = Set.of("raw", "ref");

  private static Set<TableId> find(String sql) {
    return TableReferences.find(sql, NAMESPACES::contains);
  }

  @Test
  void findsPlainQuotedAndMixedCaseNames() {
    assertThat(
            find(
                "SELECT * FROM raw.app_events e JOIN \"ref\".\"shows\" s ON e.show_id = s.show_id"
                    + " JOIN RAW . Other USING (x)"))
        .containsExactlyInAnyOrder(
            new TableId("raw", "app_events"),
            new TableId("ref", "shows"),
            new TableId("raw", "other"));
  }

  @Test
  void findsMetadataTablesOfKnownKinds() {
    assertThat(
            TableReferences.findMetadata(
                "SELECT * FROM raw.\"app_events$snapshots\" JOIN \"REF\".\"Shows$Files\" ON"
                    + " true JOIN raw.\"t$unknown\" ON true JOIN other.\"t$history\" ON true",
                NAMESPACES::contains))
        .containsExactly(
            new MetadataTables.Reference(
                new TableId("raw", "app_events"), MetadataTables.Kind.SNAPSHOTS),
            new MetadataTables.Reference(new TableId("ref", "shows"), MetadataTables.Kind.FILES));
    assertThat(find("SELECT * FROM raw.\"app_events$snapshots\"")).isEmpty();
  }

  @Test
  void findsNamesQualifiedWithTheDatabase() {
    assertThat(find("SELECT * FROM memory.raw.app_events"))
        .containsExactly(new TableId("raw", "app_events"));
  }

  @Test
  void skipsUnknownNamespacesAndInvalidNames() {
    assertThat(find("SELECT e.show_id FROM other.t e, raw.\"bad name\", raw.\"x\"\"y\"")).isEmpty();
  }

  @Property(seed = "42")
  void findsEveryValidReference(
      @ForAll @AlphaChars @Chars({'_'}) @StringLength(min = 1, max = 20) String name,
      @ForAll String noise) {
    String table = name.toLowerCase(java.util.Locale.ROOT);

    assertThat(find(noise.replace("raw", "") + " raw.\"" + table + "\" " + noise))
        .contains(new TableId("raw", table));
  }

  @Property(seed = "42")
  void neverFailsOnArbitraryText(@ForAll String sql) {
    assertThat(find(sql)).allSatisfy(id -> assertThat(NAMESPACES).contains(id.namespace()));
  }
}
