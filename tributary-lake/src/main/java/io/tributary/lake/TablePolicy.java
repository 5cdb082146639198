package io.tributary.lake;

import java.util.Map;
import org.apache.iceberg.TableProperties;

/**
 * The platform's table policy: the properties every table is created with, and the evolution limit
 * every writer's schema change is checked against.
 *
 * @param maxColumns the most fields a table's schema may hold, counted at every depth (a struct,
 *     each of its fields, a list's element, a map's key and value each count one); a schema change
 *     that would exceed it is rejected
 */
public record TablePolicy(int maxColumns) {
  /** The default of {@link #maxColumns}. */
  public static final int DEFAULT_MAX_COLUMNS = 2_000;

  private static final Map<String, String> PROPERTIES =
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.PARQUET_COMPRESSION, "zstd",
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20",
          TableProperties.COMMIT_NUM_RETRIES, "10",
          TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, String.valueOf(128L << 20));

  public TablePolicy {
    if (maxColumns < 1) {
      throw new IllegalArgumentException(
          "Invalid max columns per table: " + maxColumns + " (must be at least 1)");
    }
  }

  /** The policy with every default. */
  public static TablePolicy defaults() {
    return new TablePolicy(DEFAULT_MAX_COLUMNS);
  }

  /**
   * The properties every table is created with: format v2, zstd Parquet, metadata retention (20
   * previous versions, older ones deleted on commit), 10 commit retries, 128 MiB target files.
   */
  public Map<String, String> properties() {
    return PROPERTIES;
  }
}
