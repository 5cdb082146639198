package io.tributary.amp.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.amp.Catalog;
import io.tributary.amp.Show;
import io.tributary.amp.catalog.LiveCatalog.Listing;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class LiveCatalogPropertiesTest {
  private static final Instant START = Instant.parse("2026-11-26T10:15:00Z");

  @Property(tries = 15, seed = "20261126")
  void anySeedAndSizeAgreesWithTheSimulatorAndChangesKeepInvariants(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 400) int shows,
      @ForAll @IntRange(min = 1, max = 999) int creators,
      @ForAll @IntRange(min = 0, max = 300) int steps) {
    int creatorCount = 1 + creators % shows;
    LiveCatalog catalog = new LiveCatalog(seed, shows, creatorCount, START);
    List<Show> simulated = new Catalog(seed, shows, creatorCount).shows();
    assertThat(catalog.page(0, shows))
        .extracting(Listing::showId, Listing::title, Listing::creatorId, Listing::category)
        .containsExactlyElementsOf(
            simulated.stream()
                .map(
                    s ->
                        org.assertj.core.groups.Tuple.tuple(
                            s.showId(), s.title(), s.creatorId(), s.category()))
                .toList());

    Map<String, Long> versions = new HashMap<>();
    catalog.page(0, shows).forEach(l -> versions.put(l.showId(), l.version()));
    Instant now = START;
    for (int i = 0; i < steps; i++) {
      now = now.plusMillis(1 + i);
      for (CatalogChange change : catalog.step(now)) {
        Listing show = catalog.show(change.showId()).orElseThrow();
        long before = versions.getOrDefault(show.showId(), 0L);
        assertThat(show.version()).isGreaterThan(before);
        versions.put(show.showId(), show.version());
        assertThat(catalog.creator(show.creatorId())).isPresent();
        assertThat(show.schedule().end()).isAfter(show.schedule().start());
      }
    }
    assertThat(catalog.showIds()).doesNotHaveDuplicates().hasSize(versions.size());
    assertThat(catalog.showIds().subList(0, shows))
        .containsExactlyElementsOf(simulated.stream().map(Show::showId).toList());
  }
}
