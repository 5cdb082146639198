package io.tributary.amp;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * What users like: each user has {@link #PER_USER} preferred show categories, drawn from the seed
 * and the user's index alone, and most sessions ({@link #SHARE}) go to a show of one of them (a show
 * drawn by popularity until one fits). So listening is correlated: users sharing a category share
 * shows, which an item-to-item recommender can learn and a popularity ranking cannot.
 */
final class Tastes {
  /** The categories each user prefers. */
  static final int PER_USER = 2;

  /** The share of sessions that follow the user's taste. */
  static final double SHARE = 0.8;

  private static final int ATTEMPTS = 64;

  private final long seed;
  private final List<String> categories;

  Tastes(long seed, List<Show> shows) {
    this.seed = seed;
    this.categories = List.copyOf(new TreeSet<>(shows.stream().map(Show::category).toList()));
  }

  /** The categories user {@code index} prefers. */
  Set<String> of(int index) {
    SplittableRandom random = new SplittableRandom(seed ^ (0xC2B2AE3D27D4EB4FL * (index + 1L)));
    Set<String> liked = new TreeSet<>();
    while (liked.size() < Math.min(PER_USER, categories.size())) {
      liked.add(categories.get(random.nextInt(categories.size())));
    }
    return liked;
  }

  /**
   * A show for user {@code index}: drawn by {@code draw} (popularity), and redrawn until it is of a
   * preferred category for the share of sessions that follow taste.
   */
  int pick(int index, IntSupplier draw, List<Show> shows, SplittableRandom random) {
    int show = draw.getAsInt();
    if (random.nextDouble() >= SHARE) {
      return show;
    }
    Set<String> liked = of(index);
    for (int attempt = 0;
        attempt < ATTEMPTS && !liked.contains(shows.get(show).category());
        attempt++) {
      show = draw.getAsInt();
    }
    return show;
  }
}
