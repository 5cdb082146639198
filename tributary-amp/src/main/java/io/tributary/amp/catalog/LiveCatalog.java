package io.tributary.amp.catalog;

import io.tributary.amp.Catalog;
import io.tributary.amp.Ids;
import io.tributary.amp.Show;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The show catalog as the catalog service holds it: the simulator's initial {@link Catalog} (same
 * seed, same ids, titles, hosts and categories) plus languages, schedules, statuses and creator
 * details drawn from the same seed, and changes over time ({@link #step}).
 *
 * <p>Reads are lock-free and safe from any thread; changes are serialized. The same seed, sizes,
 * start instant and sequence of {@link #step} instants give the same catalog (change ids aside,
 * which are unique per run).
 */
final class LiveCatalog {
  /** A creator: a host of shows. */
  record Creator(
      String creatorId, String name, String handle, long followers, ZoneId zone, String language) {}

  /** When a show's next episode airs, and how it recurs. */
  record Schedule(Instant start, Instant end, String recurrence) {}

  /** A show's current state; {@code version} counts its changes from 1. */
  record Listing(
      String showId,
      String title,
      String category,
      String language,
      String creatorId,
      Schedule schedule,
      String status,
      Instant updatedAt,
      long version) {}

  static final String ACTIVE = "active";
  static final String CANCELLED = "cancelled";

  private static final int MAX_SHOWS = 9999;
  private static final Pattern SEASON = Pattern.compile("(.*): Season (\\d+)");
  private static final List<String> FIRST_NAMES =
      List.of(
          "Maya", "Jordan", "Aisha", "Diego", "Priya", "Liam", "Sofia", "Kenji", "Amara", "Noah",
          "Chloe", "Mateo", "Zara", "Elijah", "Hana", "Lucas", "Nia", "Omar", "Freya", "Ravi",
          "Camila", "Theo", "Imani", "Felix");
  private static final List<String> LAST_NAMES =
      List.of(
          "Rivera",
          "Chen",
          "Okafor",
          "Patel",
          "Nakamura",
          "Schmidt",
          "Dubois",
          "Silva",
          "Kim",
          "Johnson",
          "Garcia",
          "Müller",
          "Haddad",
          "Brooks",
          "Mensah",
          "Rossi",
          "Novak",
          "Costa",
          "Ali",
          "Sato");

  /** Time zone and language of a creator; English-speaking places weigh more by repetition. */
  private static final List<List<String>> LOCALES =
      List.of(
          List.of("America/New_York", "en"),
          List.of("America/New_York", "en"),
          List.of("America/Los_Angeles", "en"),
          List.of("America/Los_Angeles", "en"),
          List.of("America/Chicago", "en"),
          List.of("Europe/London", "en"),
          List.of("Europe/London", "en"),
          List.of("Africa/Lagos", "en"),
          List.of("America/Mexico_City", "es"),
          List.of("Europe/Madrid", "es"),
          List.of("America/Sao_Paulo", "pt"),
          List.of("Europe/Berlin", "de"),
          List.of("Europe/Paris", "fr"),
          List.of("Asia/Tokyo", "ja"),
          List.of("Asia/Kolkata", "hi"),
          List.of("Asia/Seoul", "ko"));

  private static final List<String> RECURRENCES =
      List.of("weekly", "weekly", "weekly", "daily", "weekdays", "biweekly", "once");
  private static final List<Integer> EPISODE_MINUTES = List.of(30, 45, 60, 60, 90, 120);

  private final SplittableRandom random;
  private final List<Show> plannedShows;
  private final Map<String, Listing> shows = new ConcurrentHashMap<>();
  private final Map<String, Creator> creators = new ConcurrentHashMap<>();
  private final List<String> showIds = new CopyOnWriteArrayList<>();
  private final List<String> creatorIds = new ArrayList<>();
  private final List<CatalogChange> initialChanges;

  /**
   * The catalog of {@code showCount} shows by {@code creatorCount} creators drawn from {@code
   * seed}, as of {@code now}.
   */
  LiveCatalog(long seed, int showCount, int creatorCount, Instant now) {
    this.random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
    // shows created later continue the same catalog: its first showCount shows are the initial ones
    this.plannedShows =
        new Catalog(seed, Math.max(showCount, Math.min(MAX_SHOWS, showCount * 5)), creatorCount)
            .shows();
    for (int i = 1; i <= creatorCount; i++) {
      Creator creator = newCreator(Ids.creator(i));
      creators.put(creator.creatorId(), creator);
      creatorIds.add(creator.creatorId());
    }
    List<CatalogChange> created = new ArrayList<>(showCount);
    for (int i = 0; i < showCount; i++) {
      created.add(add(plannedShows.get(i), now));
    }
    this.initialChanges = List.copyOf(created);
  }

  /** A {@code created} change for every initial show, stamped with the start instant. */
  List<CatalogChange> initialChanges() {
    return initialChanges;
  }

  Optional<Listing> show(String showId) {
    return Optional.ofNullable(shows.get(showId));
  }

  Optional<Creator> creator(String creatorId) {
    return Optional.ofNullable(creators.get(creatorId));
  }

  /** The number of shows. */
  int size() {
    return showIds.size();
  }

  /** The ids of every show, in creation order ({@code show_0001} first). */
  List<String> showIds() {
    return List.copyOf(showIds);
  }

  /** Up to {@code limit} shows from position {@code offset} in creation order. */
  List<Listing> page(int offset, int limit) {
    List<Listing> page = new ArrayList<>(Math.max(0, Math.min(limit, showIds.size() - offset)));
    for (int i = offset; i < showIds.size() && page.size() < limit; i++) {
      page.add(shows.get(showIds.get(i)));
    }
    return page;
  }

  /** The ids of the shows {@code creatorId} hosts, in creation order. */
  List<String> showsOf(String creatorId) {
    return showIds.stream().filter(id -> shows.get(id).creatorId().equals(creatorId)).toList();
  }

  /**
   * Makes one change at {@code now}: a new show, a new schedule, a new title, a new follower count
   * of a creator (an {@code updated} change for each of the creator's shows), or a cancellation.
   * Returns the changes, at least one.
   */
  synchronized List<CatalogChange> step(Instant now) {
    int roll = random.nextInt(100);
    if (roll < 12 && showIds.size() < plannedShows.size()) {
      return List.of(add(plannedShows.get(showIds.size()), now));
    }
    Listing show = shows.get(showIds.get(random.nextInt(showIds.size())));
    if (roll < 47 || (roll >= 92 && show.status().equals(CANCELLED))) {
      Listing moved =
          bump(show, show.title(), schedule(creators.get(show.creatorId()), now), ACTIVE, now);
      return List.of(change(moved, CatalogChange.Type.RESCHEDULED, now));
    }
    if (roll < 67) {
      return List.of(
          change(
              bump(show, nextSeason(show.title()), show.schedule(), show.status(), now),
              CatalogChange.Type.UPDATED,
              now));
    }
    if (roll < 92) {
      Creator creator = creators.get(creatorIds.get(random.nextInt(creatorIds.size())));
      long followers =
          Math.max(0, creator.followers() + Math.round(creator.followers() * gaussian(0.02, 0.05)));
      creators.put(
          creator.creatorId(),
          new Creator(
              creator.creatorId(),
              creator.name(),
              creator.handle(),
              followers,
              creator.zone(),
              creator.language()));
      List<CatalogChange> changes = new ArrayList<>();
      for (String id : showsOf(creator.creatorId())) {
        Listing hosted = shows.get(id);
        changes.add(
            change(
                bump(hosted, hosted.title(), hosted.schedule(), hosted.status(), now),
                CatalogChange.Type.UPDATED,
                now));
      }
      return changes;
    }
    return List.of(
        change(
            bump(show, show.title(), show.schedule(), CANCELLED, now),
            CatalogChange.Type.CANCELLED,
            now));
  }

  private CatalogChange add(Show show, Instant now) {
    Creator creator = creators.get(show.creatorId());
    Listing listing =
        new Listing(
            show.showId(),
            show.title(),
            show.category(),
            random.nextInt(10) < 8 ? creator.language() : "en",
            show.creatorId(),
            schedule(creator, now),
            ACTIVE,
            now,
            1);
    shows.put(listing.showId(), listing);
    showIds.add(listing.showId());
    return change(listing, CatalogChange.Type.CREATED, now);
  }

  private Listing bump(Listing show, String title, Schedule schedule, String status, Instant now) {
    Listing next =
        new Listing(
            show.showId(),
            title,
            show.category(),
            show.language(),
            show.creatorId(),
            schedule,
            status,
            now,
            show.version() + 1);
    shows.put(next.showId(), next);
    return next;
  }

  private static CatalogChange change(Listing show, CatalogChange.Type type, Instant now) {
    return new CatalogChange(UUID.randomUUID().toString(), show.showId(), type, now);
  }

  private Creator newCreator(String creatorId) {
    String first = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
    String last = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
    List<String> locale = LOCALES.get(random.nextInt(LOCALES.size()));
    long followers = Math.round(Math.exp(7.5 + 1.6 * random.nextGaussian()));
    String handle =
        "@"
            + Normalizer.normalize(first + last, Normalizer.Form.NFD)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z]", "")
            + creatorId.substring(creatorId.length() - 3);
    return new Creator(
        creatorId,
        first + " " + last,
        handle,
        Math.max(10, Math.min(5_000_000, followers)),
        ZoneId.of(locale.get(0)),
        locale.get(1));
  }

  /** The next episode: within a week of {@code now}, starting on the hour or half hour. */
  private Schedule schedule(Creator creator, Instant now) {
    Instant start =
        now.truncatedTo(ChronoUnit.HOURS)
            .plus(Duration.ofHours(1 + random.nextInt(7 * 24)))
            .plus(Duration.ofMinutes(random.nextBoolean() ? 0 : 30));
    int minutes = EPISODE_MINUTES.get(random.nextInt(EPISODE_MINUTES.size()));
    return new Schedule(
        start,
        start.plus(Duration.ofMinutes(minutes)),
        RECURRENCES.get(random.nextInt(RECURRENCES.size())));
  }

  private static String nextSeason(String title) {
    Matcher m = SEASON.matcher(title);
    return m.matches()
        ? m.group(1) + ": Season " + (Integer.parseInt(m.group(2)) + 1)
        : title + ": Season 2";
  }

  private double gaussian(double mean, double deviation) {
    return mean + deviation * random.nextGaussian();
  }
}
