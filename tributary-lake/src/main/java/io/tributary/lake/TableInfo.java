package io.tributary.lake;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.tributary.core.TableId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A table's description for catalogs and consoles. Serializes with a plain Jackson {@code
 * ObjectMapper} (instants as ISO-8601 text).
 *
 * @param id the table
 * @param location its root location
 * @param columns the current schema's top-level columns
 * @param partitionSpec the current partition fields, e.g. {@code day(_ingested_at)}
 * @param currentSnapshotId the current snapshot, {@code null} for a table without data
 * @param snapshotTimestamp when the current snapshot was committed, {@code null} without one
 * @param totalRows rows in the current snapshot
 * @param dataFiles data files in the current snapshot
 * @param totalSizeBytes size of all files in the current snapshot
 * @param properties table properties
 * @param snapshots the newest snapshots first, at most {@link #MAX_SNAPSHOTS}
 */
public record TableInfo(
    TableId id,
    String location,
    List<Column> columns,
    List<String> partitionSpec,
    Long currentSnapshotId,
    @JsonSerialize(using = ToStringSerializer.class) Instant snapshotTimestamp,
    long totalRows,
    long dataFiles,
    long totalSizeBytes,
    Map<String, String> properties,
    List<SnapshotInfo> snapshots) {
  /** How many snapshots a description lists. */
  public static final int MAX_SNAPSHOTS = 20;

  /** The table property holding the description: Iceberg's (and Spark's, Trino's) comment. */
  public static final String DESCRIPTION_PROPERTY = "comment";

  /** Table properties {@code tag.<key>} hold the tags, one per key. */
  public static final String TAG_PREFIX = "tag.";

  public TableInfo {
    Objects.requireNonNull(id, "id is null");
    Objects.requireNonNull(location, "location is null");
    columns = List.copyOf(columns);
    partitionSpec = List.copyOf(partitionSpec);
    properties = Map.copyOf(properties);
    snapshots = List.copyOf(snapshots);
  }

  /** The description (the {@value #DESCRIPTION_PROPERTY} property), or {@code null}. */
  @JsonProperty("description")
  public String description() {
    return properties.get(DESCRIPTION_PROPERTY);
  }

  /** The tags, from the properties {@value #TAG_PREFIX}{@code <key>}, sorted by key. */
  @JsonProperty("tags")
  public Map<String, String> tags() {
    Map<String, String> tags = new TreeMap<>();
    properties.forEach(
        (key, value) -> {
          if (key.startsWith(TAG_PREFIX) && key.length() > TAG_PREFIX.length()) {
            tags.put(key.substring(TAG_PREFIX.length()), value);
          }
        });
    return tags;
  }

  /**
   * One column.
   *
   * @param type the Iceberg type, e.g. {@code long}, {@code string}, {@code timestamptz}
   */
  public record Column(String name, String type, boolean required) {
    public Column {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(type, "type is null");
    }
  }

  /** One snapshot: its operation ({@code append}, {@code replace}...) and summary. */
  public record SnapshotInfo(
      long id,
      @JsonSerialize(using = ToStringSerializer.class) Instant timestamp,
      String operation,
      Map<String, String> summary) {
    public SnapshotInfo {
      Objects.requireNonNull(timestamp, "timestamp is null");
      summary = Map.copyOf(summary);
    }
  }
}
