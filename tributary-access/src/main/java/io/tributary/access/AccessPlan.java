package io.tributary.access;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** What applying an access file would change, in the order it would be applied. */
public record AccessPlan(List<Change> changes) {
  /** What happens to one thing. */
  public enum Action {
    CREATE,
    CHANGE,
    REMOVE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One change: {@code create user ana}, {@code remove grant user:bo read namespace:raw}. */
  public record Change(Action action, String kind, String subject, String detail) {
    public Change {
      Objects.requireNonNull(action, "action is null");
      Objects.requireNonNull(kind, "kind is null");
      Objects.requireNonNull(subject, "subject is null");
      Objects.requireNonNull(detail, "detail is null");
    }

    @Override
    public String toString() {
      return action.label()
          + " "
          + kind
          + " "
          + subject
          + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  public AccessPlan {
    changes = List.copyOf(changes);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** One line per change, or a line saying there is nothing to do. */
  public String describe() {
    if (changes.isEmpty()) {
      return "No changes: the platform matches the access file.";
    }
    StringBuilder text = new StringBuilder();
    for (Change change : changes) {
      text.append(change).append('\n');
    }
    return text.toString();
  }
}
