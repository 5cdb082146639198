package io.tributary.amp;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * What users like: each user has {@link #PER_USER} preferred show categories, drawn from the seed
 * and the user's index alone (a category as likely as its share of listens), and most sessions
 * ({@link #SHARE}) go to a show of one of them, drawn by popularity until one fits; so all users
 * together still listen as popularity says (a few shows get most listens), while each user's
 * listening is correlated with the listening of users sharing a category: what an item-to-item
 * recommender can learn and a popularity ranking cannot.
 */
final class Tastes {
  /** The categories each user prefers. */
  static final int PER_USER = 2;

  /** The share of sessions that follow the user's taste. */
  static final double SHARE = 0.8;

  private static final int ATTEMPTS = 64;

  private static final int SAMPLES = 20_000;

  private final long seed;
  private final List<String> categories;
  private final double[] cumulative;

  /** Tastes over the categories of {@code catalog}, each weighted by its share of listens. */
  Tastes(long seed, Catalog catalog) {
    this.seed = seed;
    List<Show> shows = catalog.shows();
    this.categories = List.copyOf(new TreeSet<>(shows.stream().map(Show::category).toList()));
    double[] counts = new double[categories.size()];
    SplittableRandom sample = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < SAMPLES; i++) {
      counts[categories.indexOf(shows.get(catalog.pickShow(sample)).category())]++;
    }
    this.cumulative = new double[counts.length];
    double sum = 0;
    for (int i = 0; i < counts.length; i++) {
      sum += counts[i] + 1; // every category stays possible
      cumulative[i] = sum;
    }
  }

  /** The categories user {@code index} prefers. */
  Set<String> of(int index) {
    SplittableRandom random = new SplittableRandom(seed ^ (0xC2B2AE3D27D4EB4FL * (index + 1L)));
    Set<String> liked = new TreeSet<>();
    double total = cumulative[cumulative.length - 1];
    while (liked.size() < Math.min(PER_USER, categories.size())) {
      double at = random.nextDouble() * total;
      int category = 0;
      while (cumulative[category] <= at) {
        category++;
      }
      liked.add(categories.get(category));
    }
    return liked;
  }

  /**
   * A show for user {@code index}: drawn by {@code draw} (popularity), and for the share of
   * sessions that follow taste drawn again until it is of one of the user's categories.
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
