package io.tributary.amp;

import java.util.Objects;

/**
 * A show in the simulated catalog.
 *
 * @param showId the id, such as {@code show_0042}
 * @param title the human title, such as {@code The Midnight Mic}
 * @param creatorId the creator hosting it, such as {@code creator_007}
 * @param category the category, such as {@code comedy}
 */
public record Show(String showId, String title, String creatorId, String category) {
  /** Requires every field. */
  public Show {
    Objects.requireNonNull(showId, "showId is null");
    Objects.requireNonNull(title, "title is null");
    Objects.requireNonNull(creatorId, "creatorId is null");
    Objects.requireNonNull(category, "category is null");
  }
}
