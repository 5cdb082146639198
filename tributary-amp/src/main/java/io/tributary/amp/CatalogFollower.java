package io.tributary.amp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shows a show-catalog service added since the last look: pages of {@code GET
 * {catalog}/shows?offset=N}, which lists shows in creation order. A failed call (the service may
 * fail calls on purpose) is logged and tried again next time.
 */
final class CatalogFollower {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogFollower.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final int PAGE = 1000;
  private static final int MAX_PAGES = 20;

  private final URI catalog;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private int offset;

  CatalogFollower(URI catalog, Executor executor, ObjectMapper mapper) {
    this.catalog = URI.create(catalog.toString().replaceAll("/+$", "") + "/");
    this.mapper = mapper;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .executor(executor)
            .build();
  }

  /** The shows listed after the ones already read; empty if none or the service failed. */
  List<Show> newShows() throws InterruptedException {
    List<Show> shows = new ArrayList<>();
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode answer = get("shows?offset=" + offset + "&limit=" + PAGE);
      if (answer == null) {
        break;
      }
      for (JsonNode show : answer.path("shows")) {
        String id = show.path("show_id").asText("");
        String title = show.path("title").asText("");
        String creator = show.at("/creator/creator_id").asText("");
        String category = show.path("category").asText("");
        if (!id.isEmpty() && !creator.isEmpty()) {
          shows.add(new Show(id, title, creator, category));
        }
        offset++;
      }
      if (!answer.path("next_offset").isIntegralNumber()) {
        break;
      }
    }
    return shows;
  }

  private JsonNode get(String path) throws InterruptedException {
    URI uri = catalog.resolve(path);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        LOG.debug("GET {} answered {}; trying again later", uri, response.statusCode());
        return null;
      }
      return mapper.readTree(response.body());
    } catch (IOException e) {
      LOG.debug("GET {} failed; trying again later: {}", uri, e.toString());
      return null;
    }
  }
}
