package io.tributary.amp.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.amp.EventGenerator;
import io.tributary.amp.Show;
import io.tributary.amp.SimulatorConfig;
import io.tributary.amp.catalog.LiveCatalog.Listing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveCatalogTest {
  private static final Instant START = Instant.parse("2026-11-26T10:15:00Z");

  @Test
  void initialCatalogIsTheSimulatorsCatalog() {
    LiveCatalog catalog = new LiveCatalog(42, 200, 60, START);
    List<Show> simulated =
        new EventGenerator(SimulatorConfig.withSeed(7), Clock.fixed(START, ZoneOffset.UTC)).shows();
    assertThat(catalog.size()).isEqualTo(200);
    assertThat(catalog.showIds()).isEqualTo(simulated.stream().map(Show::showId).toList());
    for (Show show : simulated) {
      Listing listing = catalog.show(show.showId()).orElseThrow();
      assertThat(listing.title()).isEqualTo(show.title());
      assertThat(listing.creatorId()).isEqualTo(show.creatorId());
      assertThat(listing.category()).isEqualTo(show.category());
      assertThat(listing.version()).isEqualTo(1);
      assertThat(listing.status()).isEqualTo(LiveCatalog.ACTIVE);
      assertThat(catalog.creator(show.creatorId())).isPresent();
    }
  }

  @Test
  void simulatedEventsOnlyNameShowsAndCreatorsOfTheCatalog() {
    LiveCatalog catalog = new LiveCatalog(42, 200, 60, START);
    EventGenerator generator =
        new EventGenerator(SimulatorConfig.withSeed(99), Clock.fixed(START, ZoneOffset.UTC));
    Set<String> showIds = new HashSet<>(catalog.showIds());
    for (int i = 0; i < 5_000; i++) {
      var event = generator.next();
      assertThat(showIds).contains(event.get("show_id").asText());
      assertThat(catalog.show(event.get("show_id").asText()).orElseThrow().creatorId())
          .isEqualTo(event.get("creator_id").asText());
    }
  }

  @Test
  void sameSeedSameCatalogAndChanges() {
    LiveCatalog first = new LiveCatalog(5, 50, 10, START);
    LiveCatalog second = new LiveCatalog(5, 50, 10, START);
    assertThat(first.page(0, 100)).isEqualTo(second.page(0, 100));
    for (int i = 0; i < 200; i++) {
      Instant at = START.plusSeconds(i);
      assertThat(withoutIds(first.step(at))).isEqualTo(withoutIds(second.step(at)));
    }
    assertThat(first.page(0, 1000)).isEqualTo(second.page(0, 1000));
    for (String creator : List.of("creator_001", "creator_010")) {
      assertThat(first.creator(creator)).isEqualTo(second.creator(creator));
    }
    assertThat(new LiveCatalog(6, 50, 10, START).page(0, 100)).isNotEqualTo(first.page(0, 100));
  }

  @Test
  void everyChangeBumpsTheShowAndIsReported() {
    LiveCatalog catalog = new LiveCatalog(42, 200, 60, START);
    List<String> initialIds = catalog.showIds();
    assertThat(catalog.initialChanges())
        .hasSize(200)
        .allMatch(c -> c.type() == CatalogChange.Type.CREATED && c.changedAt().equals(START));
    Set<String> changeIds = new HashSet<>();
    catalog.initialChanges().forEach(c -> changeIds.add(c.changeId()));
    Set<CatalogChange.Type> seen = new HashSet<>();
    List<CatalogChange> all = new ArrayList<>();
    Instant now = START;
    for (int i = 0; i < 500; i++) {
      now = now.plus(Duration.ofSeconds(5));
      List<CatalogChange> changes = catalog.step(now);
      assertThat(changes).isNotEmpty();
      for (CatalogChange change : changes) {
        assertThat(changeIds.add(change.changeId())).as("unique change id").isTrue();
        assertThat(change.changedAt()).isEqualTo(now);
        Listing show = catalog.show(change.showId()).orElseThrow();
        assertThat(show.updatedAt()).isEqualTo(now);
        switch (change.type()) {
          case CREATED -> {
            assertThat(initialIds).doesNotContain(show.showId());
            assertThat(show.version()).isEqualTo(1);
          }
          case CANCELLED -> assertThat(show.status()).isEqualTo(LiveCatalog.CANCELLED);
          case RESCHEDULED -> {
            assertThat(show.status()).isEqualTo(LiveCatalog.ACTIVE);
            assertThat(show.schedule().start()).isAfter(now);
            assertThat(show.schedule().end()).isAfter(show.schedule().start());
          }
          case UPDATED -> assertThat(show.version()).isGreaterThan(1);
        }
        seen.add(change.type());
        all.add(change);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(CatalogChange.Type.values());
    assertThat(catalog.showIds()).startsWith(initialIds.toArray(String[]::new));
    assertThat(catalog.showIds()).doesNotHaveDuplicates().hasSizeGreaterThan(200);
    assertThat(catalog.showIds().get(200)).isEqualTo("show_0201");
    long versions = catalog.page(0, 10_000).stream().mapToLong(Listing::version).sum();
    assertThat(versions).isEqualTo(all.size() + 200L);
  }

  @Test
  void pagesWalkTheCatalogInOrder() {
    LiveCatalog catalog = new LiveCatalog(42, 25, 5, START);
    assertThat(catalog.page(0, 10)).extracting(Listing::showId).startsWith("show_0001");
    assertThat(catalog.page(20, 10))
        .hasSize(5)
        .first()
        .extracting(Listing::showId)
        .isEqualTo("show_0021");
    assertThat(catalog.page(25, 10)).isEmpty();
    assertThat(catalog.showsOf("creator_001")).contains("show_0001");
  }

  private static List<String> withoutIds(List<CatalogChange> changes) {
    return changes.stream().map(c -> c.showId() + " " + c.type() + " " + c.changedAt()).toList();
  }
}
