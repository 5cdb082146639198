package io.tributary.amp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * What users like: each user has {@link #PER_USER} preferred show categories, drawn from the seed
 * and the user's index alone, and most sessions ({@link #SHARE}) go to a show of one of them, any
 * of the category's shows alike (fans explore the long tail of what they like; the other sessions
 * follow popularity). So listening is correlated: users sharing a category share shows, which an
 * item-to-item recommender can learn and a popularity ranking cannot.
 */
final class Tastes {
  /** The categories each user prefers. */
  static final int PER_USER = 2;

  /** The share of sessions that follow the user's taste. */
  static final double SHARE = 0.8;

  private final long seed;
  private final List<String> categories;
  private final Map<String, List<Integer>> showsByCategory = new HashMap<>();

  /** Tastes over the initial catalog {@code shows}. */
  Tastes(long seed, List<Show> shows) {
    this.seed = seed;
    this.categories = List.copyOf(new TreeSet<>(shows.stream().map(Show::category).toList()));
    for (int i = 0; i < shows.size(); i++) {
      showsByCategory.computeIfAbsent(shows.get(i).category(), c -> new ArrayList<>()).add(i);
    }
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
   * A show for user {@code index}: for the share of sessions that follow taste, any show of one of
   * the user's categories; otherwise one drawn by {@code draw} (popularity).
   */
  int pick(int index, IntSupplier draw, SplittableRandom random) {
    if (random.nextDouble() >= SHARE) {
      return draw.getAsInt();
    }
    List<String> liked = List.copyOf(of(index));
    List<Integer> candidates = showsByCategory.get(liked.get(random.nextInt(liked.size())));
    return candidates.get(random.nextInt(candidates.size()));
  }
}
