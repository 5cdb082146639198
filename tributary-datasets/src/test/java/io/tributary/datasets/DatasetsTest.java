package io.tributary.datasets;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.query.QueryResult;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Schema LABELS =
      new Schema(
          optional(1, "user_id", Types.StringType.get()),
          optional(2, "ts", Types.TimestampType.withZone()),
          optional(3, "label", Types.IntegerType.get()));
  private static final Schema FEATURES =
      new Schema(
          optional(1, "user_id", Types.StringType.get()),
          optional(2, "ts", Types.TimestampType.withZone()),
          optional(3, "v", Types.LongType.get()),
          optional(4, "seen_at", Types.TimestampType.withZone()));

  private TestLake lake;
  private Datasets datasets;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    lake = new TestLake(dir);
    datasets = new Datasets(lake.lake, lake.engine, Clock.systemUTC());
  }

  @AfterAll
  void tearDown() {
    lake.close();
  }

  /** A label or feature event: key, time in minutes after T0, value. */
  private record Event(String key, int minute, long value) {}

  /**
   * Seeded random timelines: the dataset never holds a feature newer than its label, and equals a
   * brute-force reference (the latest feature at or before each label; the smallest value at a
   * tie).
   */
  @Test
  void everyFeatureIsTheLatestAtOrBeforeItsLabel() {
    for (long seed = 1; seed <= 8; seed++) {
      Random random = new Random(seed);
      List<Event> labels = events(random, 1 + random.nextInt(40));
      List<Event> features = events(random, random.nextInt(60));
      String suffix = "_p" + seed;
      TableId labelTable = TableId.parse("raw.labels" + suffix);
      TableId featureTable = TableId.parse("raw.features" + suffix);
      lake.append(labelTable, LABELS, labels.stream().map(DatasetsTest::labelRow).toList());
      // features arrive in several commits
      int split = features.isEmpty() ? 0 : random.nextInt(features.size() + 1);
      lake.append(
          featureTable,
          FEATURES,
          features.subList(0, split).stream().map(DatasetsTest::featureRow).toList());
      lake.append(
          featureTable,
          FEATURES,
          features.subList(split, features.size()).stream().map(DatasetsTest::featureRow).toList());

      DatasetManifest manifest =
          datasets.build(spec("pit" + suffix, labelTable, featureTable, null), t -> true);

      List<String> expected = new ArrayList<>();
      for (Event label : labels) {
        Event latest =
            features.stream()
                .filter(f -> f.key().equals(label.key()) && f.minute() <= label.minute())
                .max(
                    Comparator.comparingInt(Event::minute)
                        .thenComparing(Comparator.comparingLong(Event::value).reversed()))
                .orElse(null);
        expected.add(
            label.key()
                + "|"
                + label.minute()
                + "|"
                + label.value()
                + "|"
                + (latest == null ? "null" : latest.value())
                + "|"
                + (latest == null ? "null" : latest.minute()));
      }
      QueryResult result =
          lake.engine.execute(
              "SELECT user_id, CAST(date_diff('minute', TIMESTAMPTZ '2026-11-01 00:00:00+00', ts)"
                  + " AS INTEGER), label, v, CAST(date_diff('minute', TIMESTAMPTZ"
                  + " '2026-11-01 00:00:00+00', seen_at) AS INTEGER) FROM transformed.pit"
                  + suffix);
      List<String> actual = new ArrayList<>();
      for (List<Object> row : result.rows()) {
        assertThat(
                row.get(4) == null
                    || ((Number) row.get(4)).intValue() <= ((Number) row.get(1)).intValue())
            .as("seed %d: feature newer than its label in %s", seed, row)
            .isTrue();
        actual.add(
            row.get(0) + "|" + row.get(1) + "|" + row.get(2) + "|" + row.get(3) + "|" + row.get(4));
      }
      assertThat(actual).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(manifest.rows()).isEqualTo(labels.size());
      assertThat(manifest.inputs())
          .containsOnlyKeys(labelTable.toString(), featureTable.toString());
    }
  }

  @Test
  void rebuildFromTheManifestIsIdenticalAfterTheInputsMoveOn() {
    TableId labels = TableId.parse("raw.labels_rebuild");
    TableId features = TableId.parse("raw.features_rebuild");
    Random random = new Random(7);
    lake.append(labels, LABELS, events(random, 30).stream().map(DatasetsTest::labelRow).toList());
    long first =
        lake.append(
            features, FEATURES, events(random, 40).stream().map(DatasetsTest::featureRow).toList());
    DatasetManifest built = datasets.build(spec("rebuilt", labels, features, null), t -> true);

    // the inputs get new snapshots: more labels, features that would change the answer
    lake.append(labels, LABELS, events(random, 10).stream().map(DatasetsTest::labelRow).toList());
    lake.append(
        features, FEATURES, events(random, 40).stream().map(DatasetsTest::featureRow).toList());

    Datasets.Rebuilt rebuilt = datasets.rebuild("rebuilt", t -> true);
    assertThat(rebuilt.identical()).isTrue();
    assertThat(rebuilt.manifest().checksum()).isEqualTo(built.checksum());
    assertThat(rebuilt.manifest().inputs()).isEqualTo(built.inputs());
    assertThat(rebuilt.manifest().outputSnapshot()).isNotEqualTo(built.outputSnapshot());
    assertThat(built.inputs()).containsEntry(features.toString(), first);
    assertThat(datasets.get("rebuilt")).contains(rebuilt.manifest());

    // a fresh build reads the new snapshots, so its rows differ
    DatasetManifest fresh = datasets.build(spec("rebuilt", labels, features, null), t -> true);
    assertThat(fresh.checksum()).isNotEqualTo(built.checksum());

    // as-of a snapshot id: that snapshot of its table, the others as of its commit
    DatasetManifest asOf =
        datasets.build(spec("rebuilt_as_of", labels, features, first), t -> true);
    assertThat(asOf.inputs()).containsEntry(features.toString(), first);
    assertThat(asOf.checksum()).isEqualTo(built.checksum());
  }

  @Test
  void exportIsOneParquetFile() throws Exception {
    TableId labels = TableId.parse("raw.labels_export");
    TableId features = TableId.parse("raw.features_export");
    Random random = new Random(3);
    lake.append(labels, LABELS, events(random, 5).stream().map(DatasetsTest::labelRow).toList());
    lake.append(
        features, FEATURES, events(random, 5).stream().map(DatasetsTest::featureRow).toList());
    datasets.build(spec("exported", labels, features, null), t -> true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    datasets.export("exported", out);
    byte[] bytes = out.toByteArray();
    assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("PAR1");
    assertThat(datasets.list()).extracting(m -> m.spec().name()).contains("exported");
  }

  @Test
  void badInputsNameWhatAndWhere() {
    TableId labels = TableId.parse("raw.labels_bad");
    TableId features = TableId.parse("raw.features_bad");
    Random random = new Random(5);
    lake.append(labels, LABELS, events(random, 5).stream().map(DatasetsTest::labelRow).toList());
    lake.append(
        features, FEATURES, events(random, 5).stream().map(DatasetsTest::featureRow).toList());

    assertThatThrownBy(
            () ->
                datasets.build(spec("bad", labels, TableId.parse("raw.missing"), null), t -> true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("features[0].table")
        .hasMessageContaining("raw.missing");

    JsonNode unknownColumn =
        json(
            "{\"name\":\"bad\",\"labels\":\"SELECT * FROM raw.labels_bad\",\"features\":[{\"table\":"
                + "\"raw.features_bad\",\"key\":\"user_id\",\"timestamp\":\"ts\",\"columns\":[\"v\",\"nope\"]}]}");
    assertThatThrownBy(() -> datasets.build(DatasetSpec.parse(unknownColumn), t -> true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("features[0].columns[1]")
        .hasMessageContaining("'nope'")
        .hasMessageContaining("raw.features_bad");

    JsonNode failing =
        json(
            "{\"name\":\"bad\",\"labels\":\"SELECT user_id, ts FROM raw.labels_bad WHERE nope > 1\"}");
    assertThatThrownBy(() -> datasets.build(DatasetSpec.parse(failing), t -> true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("labels fails on the engine")
        .hasMessageContaining("nope");

    JsonNode noTime =
        json("{\"name\":\"bad\",\"labels\":\"SELECT user_id, label FROM raw.labels_bad\"}");
    assertThatThrownBy(() -> datasets.build(DatasetSpec.parse(noTime), t -> true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("labels has no timestamp column")
        .hasMessageContaining("user_id VARCHAR");

    assertThatThrownBy(
            () -> DatasetSpec.parse(json("{\"name\":\"Bad-Name\",\"labels\":\"SELECT 1\"}")))
        .hasMessageContaining("name 'Bad-Name'");
    assertThatThrownBy(
            () ->
                DatasetSpec.parse(
                    json("{\"name\":\"x\",\"labels\":\"SELECT 1\",\"as-of\":\"yesterday\"}")))
        .hasMessageContaining("as-of 'yesterday'");
    assertThatThrownBy(
            () -> datasets.build(spec("bad", labels, features, null), t -> !t.equals(features)))
        .hasMessageContaining("Permission denied for table raw.features_bad");
  }

  private static DatasetSpec spec(String name, TableId labels, TableId features, Long asOf) {
    return new DatasetSpec(
        name,
        "SELECT user_id, ts, label FROM " + labels,
        java.util.Optional.empty(),
        java.util.Optional.empty(),
        List.of(new DatasetSpec.Feature(features, "user_id", "ts", List.of("v", "seen_at"))),
        asOf == null ? new DatasetSpec.AsOf.Current() : new DatasetSpec.AsOf.Snapshot(asOf));
  }

  private static List<Event> events(Random random, int count) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new Event("u" + random.nextInt(4), random.nextInt(50), random.nextInt(1000)));
    }
    return events;
  }

  private static Object[] labelRow(Event event) {
    return new Object[] {
      event.key(), TestLake.micros(T0.plusSeconds(60L * event.minute())), (int) event.value()
    };
  }

  private static Object[] featureRow(Event event) {
    long at = TestLake.micros(T0.plusSeconds(60L * event.minute()));
    return new Object[] {event.key(), at, event.value(), at};
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
