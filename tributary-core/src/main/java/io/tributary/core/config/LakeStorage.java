package io.tributary.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the lake's table files live ({@code lake:}): the local warehouse directory ({@code
 * catalog.warehouse}) by default, or an S3 prefix ({@code lake.warehouse: s3://bucket/prefix}) with
 * its connection settings ({@code lake.s3}). The query engine reads S3 files through a bounded
 * local cache ({@code lake.cache}).
 *
 * @param s3Warehouse the S3 warehouse, or {@code null} for the local directory
 * @param s3Landing the crawlers' landing zone on S3 (top-level {@code landing: s3://...}), or
 *     {@code null} for the local {@code <data-dir>/landing} only
 * @param s3 how to reach S3 ({@link S3#DEFAULT} when nothing is on S3)
 * @param cache the query engine's read-through cache of S3 files
 */
public record LakeStorage(S3Location s3Warehouse, S3Location s3Landing, S3 s3, Cache cache) {
  /** A local lake with the default cache settings under {@code dataDir}. */
  public static LakeStorage local(Path dataDir) {
    return new LakeStorage(null, null, S3.DEFAULT, Cache.defaults(dataDir));
  }

  /** Storage without a landing zone on S3. */
  public LakeStorage(S3Location s3Warehouse, S3 s3, Cache cache) {
    this(s3Warehouse, null, s3, cache);
  }

  public LakeStorage {
    Objects.requireNonNull(s3, "s3 is null");
    Objects.requireNonNull(cache, "cache is null");
  }

  /** Whether the table files live on S3. */
  public boolean onS3() {
    return s3Warehouse != null;
  }

  /**
   * An S3 location {@code s3://bucket/prefix}: a bucket named by S3's rules and a prefix (possibly
   * empty) without empty, {@code .} or {@code ..} segments, kept without its trailing slash.
   */
  public record S3Location(String bucket, String prefix) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Location {
      if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
        throw new IllegalArgumentException(
            "Invalid S3 bucket: '" + bucket + "' (3-63 of a-z, 0-9, '.', '-')");
      }
      Objects.requireNonNull(prefix, "prefix is null");
      if (!prefix.isEmpty()) {
        for (String segment : prefix.split("/", -1)) {
          if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException(
                "Invalid S3 prefix: '" + prefix + "' (no empty, '.' or '..' segments)");
          }
        }
        if (prefix.chars().anyMatch(Character::isISOControl)) {
          throw new IllegalArgumentException("Invalid S3 prefix: control characters");
        }
      }
    }

    /**
     * Parses {@code s3://bucket[/prefix][/]}.
     *
     * @throws IllegalArgumentException naming the text and the rule it breaks
     */
    public static S3Location parse(String text) {
      Objects.requireNonNull(text, "text is null");
      if (!text.startsWith("s3://")) {
        throw new IllegalArgumentException(
            "Invalid S3 location: '" + text + "' (use s3://bucket/prefix)");
      }
      String rest = text.substring("s3://".length());
      while (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      int slash = rest.indexOf('/');
      return slash < 0
          ? new S3Location(rest, "")
          : new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** {@code s3://bucket/prefix}, without a trailing slash. */
    public String uri() {
      return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** Whether {@code location} is this location or lies under it (segment by segment). */
    public boolean contains(String location) {
      if (location == null) {
        return false;
      }
      String root = uri() + "/";
      if (!location.startsWith(root) || location.chars().anyMatch(Character::isISOControl)) {
        return false;
      }
      for (String segment : location.substring(root.length()).split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return uri();
    }
  }

  /**
   * How to reach S3 ({@code lake.s3}): the endpoint of an S3-compatible server (none: AWS), the
   * region, path-style access (needed by most S3-compatible servers) and static credentials (none:
   * the AWS default chain). {@code secretAccessKey} may be a {@code ${secret:name}} reference to
   * the platform's secret store, resolved at use.
   */
  public record S3(
      URI endpoint,
      String region,
      boolean pathStyleAccess,
      String accessKeyId,
      String secretAccessKey) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final S3 DEFAULT = new S3(null, DEFAULT_REGION, false, null, null);

    public S3 {
      Objects.requireNonNull(region, "region is null");
      if (endpoint != null
          && (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
              || endpoint.getHost() == null)) {
        throw ConfigException.invalid(
            "lake.s3.endpoint", endpoint, "must be an http:// or https:// URL with a host");
      }
      if (!region.matches("[a-z0-9-]{1,64}")) {
        throw ConfigException.invalid("lake.s3.region", region, "must be like us-east-1");
      }
      if ((accessKeyId == null) != (secretAccessKey == null)) {
        throw ConfigException.invalid(
            accessKeyId == null ? "lake.s3.access-key-id" : "lake.s3.secret-access-key",
            "",
            "access-key-id and secret-access-key are set together or not at all");
      }
    }

    @Override
    public String toString() { // never print the secret key
      return "S3[endpoint="
          + endpoint
          + ", region="
          + region
          + ", pathStyleAccess="
          + pathStyleAccess
          + ", accessKeyId="
          + accessKeyId
          + "]";
    }
  }

  /**
   * The query engine's read-through cache of S3 data files ({@code lake.cache}): its directory and
   * the most bytes it keeps.
   */
  public record Cache(Path dir, long maxBytes) {
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final long MIN_MAX_BYTES = 1L << 20;

    public Cache {
      Objects.requireNonNull(dir, "dir is null");
      if (maxBytes < MIN_MAX_BYTES) {
        throw ConfigException.invalid("lake.cache.size", maxBytes, "must be at least 1MiB");
      }
    }

    /** {@code <dataDir>/cache/lake}, 1 GiB. */
    public static Cache defaults(Path dataDir) {
      return new Cache(dataDir.resolve("cache").resolve("lake"), DEFAULT_MAX_BYTES);
    }
  }

  /** Whether anything (the warehouse or the landing zone) is on S3. */
  public boolean usesS3() {
    return s3Warehouse != null || s3Landing != null;
  }

  /**
   * Reads {@code lake:} and the top-level {@code landing}; {@code catalogWarehouseSet} tells
   * whether catalog.warehouse was set too.
   */
  static LakeStorage fromConfig(
      ConfigNode node, Path dataDir, boolean catalogWarehouseSet, String landing) {
    node.allowOnly("warehouse", "s3", "cache");
    S3Location landingLocation = null;
    if (landing != null) {
      if (!landing.startsWith("s3://")) {
        throw ConfigException.invalid(
            "landing",
            landing,
            "must be s3://bucket/prefix; the local landing zone is <data-dir>/landing");
      }
      try {
        landingLocation = S3Location.parse(landing);
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid("landing", landing, e.getMessage());
      }
    }
    S3Location location = null;
    String warehouse = node.string("warehouse", null);
    if (warehouse != null) {
      if (catalogWarehouseSet) {
        throw ConfigException.invalid(
            "lake.warehouse", warehouse, "set either lake.warehouse or catalog.warehouse");
      }
      if (!warehouse.startsWith("s3://")) {
        throw ConfigException.invalid(
            "lake.warehouse",
            warehouse,
            "must be s3://bucket/prefix; a local warehouse is catalog.warehouse");
      }
      try {
        location = S3Location.parse(warehouse);
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid("lake.warehouse", warehouse, e.getMessage());
      }
    }
    ConfigNode s3Node =
        node.child("s3")
            .allowOnly(
                "endpoint", "region", "path-style-access", "access-key-id", "secret-access-key");
    if (location == null && landingLocation == null && !s3Node.isMissing()) {
      throw ConfigException.invalid(
          "lake.s3", "", "needs lake.warehouse: s3://bucket/prefix or landing: s3://...");
    }
    String endpoint = s3Node.string("endpoint", null);
    URI endpointUri = null;
    if (endpoint != null) {
      try {
        endpointUri = new URI(endpoint);
      } catch (URISyntaxException e) {
        throw ConfigException.invalid("lake.s3.endpoint", endpoint, "must be a URL");
      }
    }
    S3 s3 =
        new S3(
            endpointUri,
            s3Node.string("region", S3.DEFAULT_REGION),
            s3Node.bool("path-style-access", false),
            s3Node.string("access-key-id", null),
            s3Node.string("secret-access-key", null));
    ConfigNode cacheNode = node.child("cache").allowOnly("dir", "size");
    Cache defaults = Cache.defaults(dataDir);
    Cache cache =
        new Cache(
            Path.of(cacheNode.string("dir", defaults.dir().toString()))
                .toAbsolutePath()
                .normalize(),
            cacheNode.size("size", defaults.maxBytes(), Cache.MIN_MAX_BYTES, 1L << 50));
    return new LakeStorage(location, landingLocation, s3, cache);
  }
}
