package io.tributary.console;

import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import java.util.Objects;

/**
 * Who is looking at a page: the user, the CSRF token that the page's forms and htmx requests send
 * back, whether access control is on (then the layout offers logout), and the user's grants, for
 * pages that show only what the user may see. The server puts it on every page request before the
 * page's handler runs ({@link #of(Context)}).
 *
 * @param user the authenticated user ({@code admin} when access control is off)
 * @param csrfToken the session's CSRF token; empty for a request authenticated by an {@code
 *     Authorization} header (a script), which needs none
 * @param accessControl whether access control is on
 * @param grants the user's grants
 */
public record Viewer(String user, String csrfToken, boolean accessControl, Grants grants) {
  /** The request attribute that holds the viewer. */
  public static final String ATTRIBUTE = "tributary.console.viewer";

  /** Decides whether the viewer holds a privilege on a resource. */
  @FunctionalInterface
  public interface Grants {
    boolean allows(Privilege privilege, Resource resource);
  }

  public Viewer {
    Objects.requireNonNull(user, "user is null");
    Objects.requireNonNull(csrfToken, "csrfToken is null");
    Objects.requireNonNull(grants, "grants is null");
  }

  /** Whether the viewer holds {@code privilege} on {@code resource}. */
  public boolean allows(Privilege privilege, Resource resource) {
    return grants.allows(privilege, resource);
  }

  /** The viewer of a page request. */
  public static Viewer of(Context ctx) {
    Viewer viewer = ctx.attribute(ATTRIBUTE);
    if (viewer == null) {
      throw new IllegalStateException(
          "No console viewer on " + ctx.method() + " " + ctx.path() + ": register it as a page");
    }
    return viewer;
  }
}
