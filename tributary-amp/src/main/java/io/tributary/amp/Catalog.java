package io.tributary.amp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The initial catalog of shows, with plausible titles drawn from word lists, and their popularity:
 * a Zipf-like distribution over a seeded ranking, so a few shows draw most listeners. The same seed
 * and sizes give the same catalog: the event simulator and the show-catalog service build it alike.
 */
public final class Catalog {
  private static final double POPULARITY_EXPONENT = 1.1;
  private static final int TITLE_ATTEMPTS = 20;

  private static final List<String> ADJECTIVES =
      List.of(
          "Midnight",
          "Morning",
          "Late",
          "Golden",
          "Electric",
          "Quiet",
          "Loud",
          "Open",
          "Velvet",
          "Neon",
          "Wild",
          "Daily",
          "Weekend",
          "Sunday",
          "Rooftop",
          "Backstage",
          "Unfiltered",
          "Deep",
          "Bright",
          "Secret",
          "Northern",
          "Urban");
  private static final List<String> NOUNS =
      List.of(
          "Mic",
          "Hour",
          "Session",
          "Room",
          "Lounge",
          "Hangout",
          "Circle",
          "Table",
          "Signal",
          "Frequency",
          "Stage",
          "Corner",
          "Huddle",
          "Jam",
          "Roundtable",
          "Wire",
          "Club",
          "Campfire");
  private static final List<String> SUFFIXES =
      List.of("Live", "Unplugged", "After Dark", "Weekly", "Radio", "Talks", "Tonight", "Uncut");

  /** Title topics and the category each belongs to. */
  private static final List<List<String>> TOPICS =
      List.of(
          List.of("Founders", "business"),
          List.of("Market", "business"),
          List.of("Startup", "tech"),
          List.of("Crypto", "tech"),
          List.of("Design", "tech"),
          List.of("Comedy", "comedy"),
          List.of("Stand-Up", "comedy"),
          List.of("Hip-Hop", "music"),
          List.of("Indie", "music"),
          List.of("Jazz", "music"),
          List.of("Soccer", "sports"),
          List.of("Hoops", "sports"),
          List.of("Mindful", "wellness"),
          List.of("Fitness", "wellness"),
          List.of("Gamers", "gaming"),
          List.of("Anime", "culture"),
          List.of("Film", "culture"),
          List.of("Book", "culture"),
          List.of("Science", "education"),
          List.of("Headlines", "news"));

  private static final List<String> CATEGORIES =
      TOPICS.stream().map(topic -> topic.get(1)).distinct().toList();

  private final List<Show> shows;
  private final Weighted<Integer> popularity;

  /**
   * Builds the catalog of {@code showCount} shows ({@code show_0001}..) hosted by {@code
   * creatorCount} creators ({@code creator_001}..), each creator hosting at least one show.
   */
  public Catalog(long seed, int showCount, int creatorCount) {
    if (showCount < 1 || creatorCount < 1 || creatorCount > showCount) {
      throw new IllegalArgumentException(
          "Invalid catalog size: "
              + showCount
              + " shows by "
              + creatorCount
              + " creators (need 1 ≤ creators ≤ shows)");
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    Set<String> titles = new HashSet<>();
    List<Show> list = new ArrayList<>(showCount);
    for (int i = 0; i < showCount; i++) {
      int creator = i < creatorCount ? i + 1 : 1 + random.nextInt(creatorCount);
      Title title = uniqueTitle(random, titles, i + 1);
      list.add(new Show(Ids.show(i + 1), title.text(), Ids.creator(creator), title.category()));
    }
    this.shows = List.copyOf(list);
    List<Integer> ranking = new ArrayList<>(showCount);
    for (int i = 0; i < showCount; i++) {
      ranking.add(i);
    }
    shuffle(ranking, random);
    this.popularity = Weighted.zipf(ranking, POPULARITY_EXPONENT);
  }

  /** The shows, {@code show_0001} first. */
  public List<Show> shows() {
    return shows;
  }

  /** The index of a show drawn by popularity. */
  int pickShow(SplittableRandom random) {
    return popularity.pick(random);
  }

  private record Title(String text, String category) {}

  private static Title uniqueTitle(SplittableRandom random, Set<String> taken, int number) {
    Title candidate = title(random);
    for (int attempt = 1; attempt < TITLE_ATTEMPTS && taken.contains(candidate.text()); attempt++) {
      candidate = title(random);
    }
    if (taken.contains(candidate.text())) {
      candidate = new Title(candidate.text() + " " + number, candidate.category());
    }
    taken.add(candidate.text());
    return candidate;
  }

  private static Title title(SplittableRandom random) {
    String adjective = pick(ADJECTIVES, random);
    String noun = pick(NOUNS, random);
    List<String> topic = pick(TOPICS, random);
    return switch (random.nextInt(4)) {
      case 0 -> new Title("The " + adjective + " " + noun, pick(CATEGORIES, random));
      case 1 -> new Title(topic.get(0) + " " + pick(SUFFIXES, random), topic.get(1));
      case 2 -> new Title(adjective + " " + topic.get(0) + " " + noun, topic.get(1));
      default -> new Title("The " + topic.get(0) + " " + noun, topic.get(1));
    };
  }

  private static <T> T pick(List<T> list, SplittableRandom random) {
    return list.get(random.nextInt(list.size()));
  }

  private static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      list.set(j, list.set(i, list.get(j)));
    }
  }
}
