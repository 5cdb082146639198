package io.tributary.console;

import java.util.Objects;

/**
 * What the layout ({@code layout.jte}) needs of every page: its title, the navigation section it
 * belongs to (highlighted in the header) and the viewer.
 *
 * @param title the page's title (escaped like everything else)
 * @param section the header's section: {@code home}, {@code dashboards}, {@code sql}, {@code
 *     catalog}, {@code pipelines}, {@code reports}, or anything else for none
 * @param viewer who is looking
 */
public record Page(String title, String section, Viewer viewer) {
  public Page {
    Objects.requireNonNull(title, "title is null");
    Objects.requireNonNull(section, "section is null");
    Objects.requireNonNull(viewer, "viewer is null");
  }

  /** The page of {@code ctx}'s viewer. */
  public static Page of(io.javalin.http.Context ctx, String title, String section) {
    return new Page(title, section, Viewer.of(ctx));
  }

  /** {@code aria-current="page"} for the header link of {@code name}'s section. */
  public String current(String name) {
    return section.equals(name) ? "page" : null;
  }
}
