package io.tributary.access;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Grant matching against a plain model of what each grant form means (seeded). */
class GrantMatchingPropertiesTest {
  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of("raw", "curated", "app", "app_events", "a", "raw_x");
  }

  @Property(tries = 500, seed = "15")
  void tableGrantsMatchTheModel(
      @ForAll("names") String grantNamespace,
      @ForAll("names") String grantTable,
      @ForAll("names") String namespace,
      @ForAll("names") String table,
      @ForAll int form) {
    Resource target = Resource.parse("table:" + namespace + "." + table);
    String grantResource;
    boolean expected;
    switch (Math.floorMod(form, 4)) {
      case 0 -> {
        grantResource = "table:" + grantNamespace + "." + grantTable;
        expected = grantNamespace.equals(namespace) && grantTable.equals(table);
      }
      case 1 -> {
        grantResource = "table:" + grantNamespace + ".*";
        expected = grantNamespace.equals(namespace);
      }
      case 2 -> {
        grantResource = "namespace:" + grantNamespace;
        expected = grantNamespace.equals(namespace);
      }
      default -> {
        grantResource = "table:*";
        expected = true;
      }
    }
    Grant grant = Grant.parse("user:u", "read", grantResource);
    assertThat(grant.covers(Privilege.READ, target))
        .as(grantResource + " on " + target)
        .isEqualTo(expected);
    assertThat(grant.covers(Privilege.WRITE, target)).isFalse();
  }

  @Property(tries = 300, seed = "15")
  void aGrantRoundTripsThroughItsText(@ForAll("names") String name, @ForAll int form) {
    String[] texts = {
      "namespace:" + name, "stream:" + name, "flow:" + name, "table:" + name + ".*"
    };
    String[] privileges = {"read", "ingest", "run", "manage"};
    int i = Math.floorMod(form, texts.length);
    Grant grant = Grant.parse("group:" + name, privileges[i], texts[i]);
    assertThat(
            Grant.parse(
                grant.principal().toString(),
                grant.privilege().label(),
                grant.resource().toString()))
        .isEqualTo(grant);
  }
}
