package io.tributary.amp.catalog;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One change of the show catalog, as published to the notification topic: {@code {"change_id":
 * "...", "show_id": "show_0042", "change_type": "rescheduled", "changed_at":
 * "2026-11-26T10:00:00Z"}}.
 *
 * @param changeId unique over every change of every service run
 * @param showId the show that changed; {@code GET /shows/{show_id}} answers its new state
 * @param type what changed
 * @param changedAt when, by the service's clock
 */
public record CatalogChange(String changeId, String showId, Type type, Instant changedAt) {
  /** What changed. */
  public enum Type {
    /** A new show (and, at start, every show of the initial catalog). */
    CREATED,
    /** The title or the host's details changed. */
    UPDATED,
    /** The next episode moved (a cancelled show that is rescheduled is active again). */
    RESCHEDULED,
    /** The show is cancelled; it stays in the catalog with status {@code cancelled}. */
    CANCELLED;

    /** The name on the wire: {@code created}, {@code updated}, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Requires every field. */
  public CatalogChange {
    Objects.requireNonNull(changeId, "changeId is null");
    Objects.requireNonNull(showId, "showId is null");
    Objects.requireNonNull(type, "type is null");
    Objects.requireNonNull(changedAt, "changedAt is null");
  }
}
