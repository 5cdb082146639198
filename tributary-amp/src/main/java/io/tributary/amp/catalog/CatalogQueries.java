package io.tributary.amp.catalog;

/**
 * SQL over the show catalog as the catalog-change pipeline lands it: stream {@code show_catalog}
 * (table {@code raw.show_catalog}) holds one row per change notification, with the fields the
 * {@code enrich_shows} function keeps from {@code GET /shows/{show_id}} ({@code creator.name}
 * flattened to {@code creator_name}, and so on).
 */
public final class CatalogQueries {
  /** The latest state of every show: the row with the highest {@code version} per show. */
  public static final String LATEST_CATALOG =
      "SELECT * FROM raw.show_catalog"
          + " QUALIFY row_number() OVER (PARTITION BY show_id ORDER BY version DESC) = 1";

  /** Trending shows with titles and creators: listens from the app events, by show. */
  public static final String TRENDING_SHOWS =
      "WITH catalog AS ("
          + LATEST_CATALOG
          + ") SELECT e.show_id, c.title, c.creator_name, count(*) AS listens"
          + " FROM raw.app_events e JOIN catalog c ON c.show_id = e.show_id"
          + " WHERE e.event_type = 'listen_start'"
          + " GROUP BY 1, 2, 3 ORDER BY listens DESC LIMIT 10";

  private CatalogQueries() {}
}
