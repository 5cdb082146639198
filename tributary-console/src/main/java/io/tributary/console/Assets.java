package io.tributary.console;

import io.javalin.http.Context;
import io.tributary.core.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's web assets, all from the jar (nothing is fetched from elsewhere): {@code
 * /assets/<name>} serves the module's own files ({@code io/tributary/console/assets/}, e.g. {@code
 * console.css}) and, under a prefix, the webjars' files ({@code /assets/htmx/htmx.min.js}, {@code
 * /assets/echarts/echarts.min.js}). Answers carry an ETag (a {@code If-None-Match} that matches
 * gets 304) and may be cached for an hour.
 */
public final class Assets {
  /** The path the assets are served under. */
  public static final String PATH = "/assets";

  /** Webjar folders by the prefix they are served under: add a webjar here to serve it. */
  static final Map<String, String> WEBJARS =
      Map.of(
          "htmx/", "META-INF/resources/webjars/htmx.org/2.0.4/dist/",
          "echarts/", "META-INF/resources/webjars/echarts/5.3.1/dist/",
          "codemirror/", "META-INF/resources/webjars/codemirror/5.65.16/");

  private static final String OWN = "io/tributary/console/assets/";
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json",
          "map", "application/json",
          "woff2", "font/woff2");

  private record Asset(byte[] bytes, String type, String etag) {}

  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  /** Answers the asset {@code name} (the path after {@code /assets/}), or 404. */
  public void serve(Context ctx, String name) {
    Asset asset =
        load(name).orElseThrow(() -> new NotFoundException("Console asset", printable(name)));
    ctx.header("Cache-Control", "public, max-age=3600");
    ctx.header("ETag", asset.etag());
    ctx.header("X-Content-Type-Options", "nosniff");
    if (asset.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(asset.type()).result(asset.bytes());
  }

  private Optional<Asset> load(String name) {
    if (name == null || name.length() > 200 || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(name, Assets::read);
  }

  private static Optional<Asset> read(String name) {
    String resource = OWN + name;
    for (Map.Entry<String, String> webjar : WEBJARS.entrySet()) {
      if (name.startsWith(webjar.getKey())) {
        resource = webjar.getValue() + name.substring(webjar.getKey().length());
      }
    }
    String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = TYPES.get(extension);
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      return Optional.of(new Asset(bytes, type, etag(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the console asset " + resource, e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String printable(String value) {
    String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
