package io.tributary.lake;

import io.tributary.core.config.LakeStorage;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ForbiddenException;

/**
 * Where tables may live and what they may be called: the rules that keep clients of the catalog
 * (the Iceberg REST endpoint) inside the lake.
 *
 * <ul>
 *   <li>Every location — a table's, its metadata and data paths, a registered metadata file — must
 *       resolve inside the warehouse directory: normalised, with symbolic links of the part that
 *       exists followed (like Apache Polaris's allowed locations). Anything else is refused with
 *       one answer, whatever exists there, so callers cannot probe the file system.
 *   <li>Namespace and table names are SQL identifiers the query layer can address: {@code
 *       [a-z_][a-z0-9_]*}, at most 128 characters — no path separators, dots or control characters,
 *       no upper case (which SQL would fold).
 *   <li>Tables the platform writes (with a {@code tributary.*} property or snapshot marker) keep
 *       their location.
 * </ul>
 */
public final class LakeLocations {
  /** Table properties that place files: each must stay inside the warehouse. */
  public static final List<String> LOCATION_PROPERTIES =
      List.of(
          TableProperties.WRITE_METADATA_LOCATION,
          TableProperties.WRITE_DATA_LOCATION,
          TableProperties.OBJECT_STORE_PATH,
          TableProperties.WRITE_FOLDER_STORAGE_LOCATION);

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,127}");
  private static final String PLATFORM_MARKER = "tributary.";
  private static final int MAX_NAME_BYTES = 255;

  private final Path warehouse;
  private final LakeStorage.S3Location s3Warehouse;

  /** Rules for the lake whose warehouse is {@code warehouse} (an existing directory). */
  public LakeLocations(Path warehouse) {
    Objects.requireNonNull(warehouse, "warehouse is null");
    try {
      this.warehouse = warehouse.toAbsolutePath().normalize().toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid warehouse: " + warehouse + " (not found)", e);
    }
    this.s3Warehouse = null;
  }

  /**
   * Rules for the lake whose warehouse is the S3 prefix {@code warehouse}: locations must be {@code
   * s3://} URIs under it, without {@code .} or {@code ..} segments.
   */
  public LakeLocations(LakeStorage.S3Location warehouse) {
    this.s3Warehouse = Objects.requireNonNull(warehouse, "warehouse is null");
    this.warehouse = null;
  }

  /**
   * Checks that {@code location} (a {@code file:} URI or an absolute path; an {@code s3://} URI for
   * a lake on S3) lies inside the warehouse.
   *
   * @param what what the location is for, e.g. {@code "table location"}
   * @throws ForbiddenException for any location outside, unparsable or on another file system
   */
  public void requireInside(String what, String location) {
    boolean inside =
        s3Warehouse != null
            ? s3Warehouse.contains(location)
            : location != null && resolve(location) != null;
    if (!inside) {
      throw new ForbiddenException(
          "Invalid %s: '%s' (must be a location inside the lake's warehouse)",
          what, printable(location));
    }
  }

  /** Checks every location property in {@code properties}; others are not looked at. */
  public void requireInside(Map<String, String> properties) {
    for (String key : LOCATION_PROPERTIES) {
      if (properties.containsKey(key)) {
        requireInside("property " + key, properties.get(key));
      }
    }
  }

  /**
   * Checks that every level of {@code namespace} is a safe directory name: not empty, {@code .} or
   * {@code ..}, no {@code /}, {@code \\} or control characters, at most 255 bytes. Namespaces may
   * nest and hold other engines' views; the tables in them must be addressable ({@link
   * #requireAddressable}).
   */
  public static void requireSafeName(Namespace namespace) {
    if (namespace.isEmpty()) {
      throw new BadRequestException("Invalid namespace: empty");
    }
    for (String level : namespace.levels()) {
      requireSafeName("namespace", level);
    }
  }

  /**
   * Checks that {@code name} is a safe directory name (see {@link #requireSafeName(Namespace)}).
   *
   * @param what {@code "namespace"} or {@code "view"}
   */
  public static void requireSafeName(String what, String name) {
    if (name == null
        || name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\\') >= 0
        || name.chars().anyMatch(Character::isISOControl)
        || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new BadRequestException(
          "Invalid %s name: '%s' (no /, \\, control characters, . or ..; at most %d bytes)",
          what, printable(name), MAX_NAME_BYTES);
    }
  }

  /**
   * Checks that a table named {@code namespace.name} can be addressed by SQL: one namespace level
   * and both parts identifiers {@code [a-z_][a-z0-9_]*} of at most 128 characters (so no path
   * separators, dots, quotes, control characters or upper case, which SQL would fold).
   */
  public static void requireAddressable(Namespace namespace, String name) {
    if (namespace.length() != 1 || !IDENTIFIER.matcher(namespace.level(0)).matches()) {
      throw new BadRequestException(
          "Invalid namespace for a table: '%s' (tables live in one-level namespaces named"
              + " [a-z_][a-z0-9_]*, at most 128 characters, so that SQL can address them)",
          printable(namespace.toString()));
    }
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new BadRequestException(
          "Invalid table name: '%s' (use [a-z_][a-z0-9_]*, at most 128 characters, so that SQL"
              + " can address it)",
          printable(name));
    }
  }

  /** Whether the platform writes {@code table}: a {@code tributary.*} property or snapshot mark. */
  public static boolean isPlatformTable(Table table) {
    if (table.properties().keySet().stream().anyMatch(k -> k.startsWith(PLATFORM_MARKER))) {
      return true;
    }
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshot.summary().keySet().stream().anyMatch(k -> k.startsWith(PLATFORM_MARKER))) {
        return true;
      }
    }
    return false;
  }

  /** The resolved path of a location inside the warehouse, or {@code null} for any other. */
  private Path resolve(String location) {
    Path path;
    try {
      if (location.startsWith("file:")) {
        URI uri = new URI(location);
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
          return null; // file://host/... names another machine
        }
        path = Path.of(uri.getPath() == null ? "" : uri.getPath());
      } else if (location.contains("://")) {
        return null; // another file system: the lake is local
      } else {
        path = Path.of(location);
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
    if (!path.isAbsolute() || location.chars().anyMatch(Character::isISOControl)) {
      return null;
    }
    Path real = realPath(path);
    return real != null && real.startsWith(warehouse) ? real : null;
  }

  /**
   * The path as the file system resolves it: segment by segment from the root, each symbolic link
   * followed where it stands, and {@code ..} taken from the resolved directory (so {@code link/..}
   * is the link target's parent, not the link's). {@code null} for a dangling link.
   */
  private static Path realPath(Path path) {
    Path current = path.getRoot();
    for (Path name : path) {
      String segment = name.toString();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        current = current.getParent() == null ? current : current.getParent();
        continue;
      }
      Path next = current.resolve(segment);
      if (Files.isSymbolicLink(next)) {
        try {
          next = next.toRealPath();
        } catch (IOException e) {
          return null; // a dangling link, or no permission to look
        }
      }
      current = next;
    }
    return current;
  }

  private static String printable(String text) {
    if (text == null) {
      return "";
    }
    String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
