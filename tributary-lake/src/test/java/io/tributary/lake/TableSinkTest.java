package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSinkTest {
  private static final TableId EVENTS = TableId.parse("raw.app_events");
  private static final List<PartitionField> BY_DAY =
      List.of(PartitionField.parse("day(_ingested_at)"));
  private static final Instant T0 = Instant.parse("2026-11-26T07:42:00Z");

  @TempDir Path dir;
  private Lake lake;

  @BeforeEach
  void open() {
    lake = TestLakes.open(dir);
  }

  @AfterEach
  void close() {
    lake.close();
  }

  private static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> row = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      row.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return row;
  }

  private Table table(TableId id) {
    return lake.loadTable(id).orElseThrow();
  }

  private static List<DataFile> files(Table table) throws IOException {
    table.refresh();
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    return files;
  }

  private static String type(Table table, String column) {
    return table.schema().findField(column).type().toString();
  }

  @Test
  void createsAppendsAndReadsBack() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows =
        List.of(
            row(
                "event",
                "play",
                "duration_ms",
                1200L,
                "score",
                0.5,
                "live",
                true,
                "_ingested_at",
                T0),
            row(
                "event",
                "stop",
                "duration_ms",
                5L,
                "score",
                2L,
                "live",
                false,
                "_ingested_at",
                T0));

    assertThat(sink.prepare(rows)).isEmpty();
    AppendResult result = sink.append(rows, Map.of("tributary.offsets", "0:2"));

    assertThat(result.rows()).isEqualTo(2);
    assertThat(result.files()).isEqualTo(1);
    assertThat(result.bytes()).isPositive();
    Table table = table(EVENTS);
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(result.snapshotId());
    assertThat(table.currentSnapshot().summary()).containsEntry("tributary.offsets", "0:2");
    assertThat(table.properties())
        .containsEntry("write.parquet.compression-codec", "zstd")
        .containsEntry("commit.retry.num-retries", "10");
    assertThat(((HasTableOperations) table).operations().current().formatVersion()).isEqualTo(2);
    assertThat(List.of("event", "duration_ms", "score", "live", "_ingested_at"))
        .extracting(column -> type(table, column))
        .containsExactly("string", "long", "double", "boolean", "timestamptz");
    List<Record> read = TestLakes.read(table);
    assertThat(read).hasSize(2);
    Record play = read.stream().filter(r -> "play".equals(r.getField("event"))).findFirst().get();
    assertThat(play.getField("duration_ms")).isEqualTo(1200L);
    assertThat(play.getField("score")).isEqualTo(0.5);
    assertThat(play.getField("live")).isEqualTo(true);
    assertThat(play.getField("_ingested_at")).isEqualTo(T0.atOffset(ZoneOffset.UTC));
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      row.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return row;
  }

  @Test
  void rowsWhoseKeysMoveBetweenPositionsAreCheckedAndWrittenByName() {
    TableSink sink = lake.sink(EVENTS, List.of());
    String a = "a";
    String b = "b";
    List<Map<String, Object>> rows =
        List.of(
            ordered(a, 1L, b, "x"),
            ordered(a, 2L, b, "y"),
            ordered(b, "z", a, 3L), // the same key instances, at other positions
            ordered(new String("b"), "w", new String("a"), 4L), // equal keys, other instances
            ordered(a, null, b, "v"),
            ordered(b, "u"));
    assertThat(sink.prepare(rows)).isEmpty();
    sink.append(rows, Map.of());
    assertThat(TestLakes.read(table(EVENTS)))
        .extracting(r -> r.getField("a"), r -> r.getField("b"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(1L, "x"),
            org.assertj.core.groups.Tuple.tuple(2L, "y"),
            org.assertj.core.groups.Tuple.tuple(3L, "z"),
            org.assertj.core.groups.Tuple.tuple(4L, "w"),
            org.assertj.core.groups.Tuple.tuple(null, "v"),
            org.assertj.core.groups.Tuple.tuple(null, "u"));

    List<Map<String, Object>> mismatched = List.of(ordered(a, 5L, b, "t"), ordered(b, 6L, a, "s"));
    assertThat(sink.prepare(mismatched))
        .as("a string where the previous row had a long at that position")
        .containsOnlyKeys(1);
  }

  @Test
  void addsNewColumnsAndKeepsOldRowsNull() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> first = List.of(row("a", 1L, "_ingested_at", T0));
    sink.prepare(first);
    sink.append(first, Map.of());
    List<Map<String, Object>> second =
        List.of(row("a", 2L, "b", "x", "only_null", null, "_ingested_at", T0));
    assertThat(sink.prepare(second)).isEmpty();
    sink.append(second, Map.of());

    Table table = table(EVENTS);
    assertThat(type(table, "b")).isEqualTo("string");
    assertThat(table.schema().findField("b").isOptional()).isTrue();
    assertThat(table.schema().findField("only_null")).isNull();
    assertThat(TestLakes.read(table))
        .extracting(r -> r.getField("a"), r -> r.getField("b"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(1L, null),
            org.assertj.core.groups.Tuple.tuple(2L, "x"));
  }

  @Test
  void widensIntToLongAndFloatToDouble() {
    Schema schema =
        new Schema(
            Types.NestedField.optional(1, "n", Types.IntegerType.get()),
            Types.NestedField.optional(2, "f", Types.FloatType.get()));
    lake.catalog()
        .createTable(Lake.identifier(EVENTS), schema, PartitionSpec.unpartitioned(), Map.of());
    TableSink sink = lake.sink(EVENTS, List.of());

    List<Map<String, Object>> small = List.of(row("n", 7L, "f", 3L));
    assertThat(sink.prepare(small)).isEmpty();
    assertThat(type(table(EVENTS), "n")).isEqualTo("int");
    assertThat(type(table(EVENTS), "f")).isEqualTo("float");
    sink.append(small, Map.of());

    List<Map<String, Object>> big = List.of(row("n", 5_000_000_000L, "f", 1.25));
    assertThat(sink.prepare(big)).isEmpty();
    assertThat(type(table(EVENTS), "n")).isEqualTo("long");
    assertThat(type(table(EVENTS), "f")).isEqualTo("double");
    sink.append(big, Map.of());
    assertThat(TestLakes.read(table(EVENTS)))
        .extracting(r -> r.getField("n"), r -> r.getField("f"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(7L, 3.0),
            org.assertj.core.groups.Tuple.tuple(5_000_000_000L, 1.25));
  }

  @Test
  void rejectsValuesTheColumnCannotHold() {
    TableSink sink = lake.sink(EVENTS, List.of());
    List<Map<String, Object>> first = List.of(row("duration_ms", 10L, "live", true));
    sink.prepare(first);
    sink.append(first, Map.of());

    List<Map<String, Object>> rows =
        List.of(
            row("duration_ms", "abc"),
            row("duration_ms", 5L, "live", false),
            row("duration_ms", 1.5),
            row("live", "yes"),
            row("other", List.of(1)));
    Map<Integer, Rejection> rejected = sink.prepare(rows);

    assertThat(rejected)
        .containsOnlyKeys(0, 2, 3, 4)
        .containsEntry(
            0, new Rejection("type_mismatch", "column 'duration_ms' is long, got string \"abc\""))
        .containsEntry(
            2, new Rejection("type_mismatch", "column 'duration_ms' is long, got double 1.5"))
        .containsEntry(
            3, new Rejection("type_mismatch", "column 'live' is boolean, got string \"yes\""));
    assertThat(rejected.get(4).code()).isEqualTo("unsupported_value");
    assertThat(sink.prepare(rows)).isEqualTo(rejected);
    assertThatThrownBy(() -> sink.append(rows, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Row 0")
        .hasMessageContaining("got string \"abc\"");
    assertThatThrownBy(() -> sink.append(List.of(row("new_column", 1L)), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'new_column' does not exist");
  }

  @Test
  void infersTimestampsFromIsoStringsAndIsDeterministic() {
    TableSink sink = lake.sink(EVENTS, List.of());
    List<Map<String, Object>> rows =
        List.of(
            row("at", "2026-11-26T07:42:00Z", "mixed", "2026-11-26T07:42:00Z", "local", "x"),
            row(
                "at",
                "2026-11-26T07:42:00.123+01:00",
                "mixed",
                "hello",
                "local",
                "2026-11-26T07:42:00"));
    assertThat(sink.prepare(rows)).isEmpty();
    Table table = table(EVENTS);
    int schemaId = table.schema().schemaId();
    assertThat(sink.prepare(rows)).isEmpty();
    assertThat(table(EVENTS).schema().schemaId()).isEqualTo(schemaId);

    assertThat(type(table, "at")).isEqualTo("timestamptz");
    assertThat(type(table, "mixed")).isEqualTo("string");
    assertThat(type(table, "local")).isEqualTo("string");
    sink.append(rows, Map.of());
    assertThat(TestLakes.read(table(EVENTS)))
        .extracting(r -> ((OffsetDateTime) r.getField("at")).toInstant())
        .containsExactlyInAnyOrder(
            Instant.parse("2026-11-26T07:42:00Z"), Instant.parse("2026-11-26T06:42:00.123Z"));
    assertThat(sink.prepare(List.of(row("at", "not a time"))).get(0).reason())
        .isEqualTo("column 'at' is timestamptz, got string \"not a time\"");
  }

  @Test
  void partitionsByDay() throws IOException {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows =
        List.of(
            row("e", "a", "_ingested_at", T0),
            row("e", "b", "_ingested_at", T0.plus(1, ChronoUnit.DAYS)),
            row("e", "c", "_ingested_at", T0.plusSeconds(60)));
    sink.prepare(rows);
    AppendResult result = sink.append(rows, Map.of());

    assertThat(result.files()).isEqualTo(2);
    Table table = table(EVENTS);
    assertThat(table.spec().fields()).hasSize(1);
    int day = (int) LocalDate.of(2026, 11, 26).toEpochDay();
    assertThat(files(table))
        .extracting(f -> f.partition().get(0, Integer.class), DataFile::recordCount)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(day, 2L),
            org.assertj.core.groups.Tuple.tuple(day + 1, 1L));
  }

  @Test
  void addsPartitionFieldWhenItsColumnAppears() throws IOException {
    TableSink sink =
        lake.sink(
            EVENTS,
            List.of(PartitionField.parse("day(_ingested_at)"), PartitionField.parse("country")));
    List<Map<String, Object>> first = List.of(row("e", "a", "_ingested_at", T0));
    sink.prepare(first);
    sink.append(first, Map.of());
    assertThat(table(EVENTS).spec().fields()).hasSize(1);

    List<Map<String, Object>> second = List.of(row("e", "b", "country", "DE", "_ingested_at", T0));
    sink.prepare(second);
    sink.append(second, Map.of());

    Table table = table(EVENTS);
    assertThat(table.spec().fields())
        .extracting(f -> f.transform().toString())
        .containsExactly("day", "identity");
    assertThat(files(table))
        .filteredOn(f -> f.specId() == table.spec().specId())
        .singleElement()
        .satisfies(f -> assertThat(f.partition().get(1, String.class)).isEqualTo("DE"));
    assertThat(TestLakes.read(table)).hasSize(2);
  }

  @Test
  void writesZstdParquet() throws IOException {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows = List.of(row("e", "a", "_ingested_at", T0));
    sink.prepare(rows);
    sink.append(rows, Map.of());

    DataFile file = files(table(EVENTS)).get(0);
    try (ParquetFileReader reader =
        ParquetFileReader.open(new LocalInputFile(LocalFileIO.toFile(file.location()).toPath()))) {
      assertThat(reader.getFooter().getBlocks().get(0).getColumns())
          .extracting(ColumnChunkMetaData::getCodec)
          .containsOnly(CompressionCodecName.ZSTD);
    }
  }

  @Test
  void writesMostlyDistinctStringColumnsWithoutADictionary() throws IOException {
    TableSink sink = lake.sink(EVENTS, List.of());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      rows.add(row("id", "event-" + i, "kind", i % 7 == 0 ? "like" : "play", "n", (long) i));
    }
    assertThat(sink.prepare(rows)).isEmpty();
    sink.append(rows, Map.of());

    DataFile file = files(table(EVENTS)).get(0);
    try (ParquetFileReader reader =
        ParquetFileReader.open(new LocalInputFile(LocalFileIO.toFile(file.location()).toPath()))) {
      Map<String, Boolean> dictionary = new HashMap<>();
      reader
          .getFooter()
          .getBlocks()
          .get(0)
          .getColumns()
          .forEach(c -> dictionary.put(c.getPath().toDotString(), c.hasDictionaryPage()));
      assertThat(dictionary).containsEntry("id", false).containsEntry("kind", true);
    }
    assertThat(TestLakes.read(table(EVENTS))).hasSize(2_000);
    assertThat(DataFileWriter.mostlyDistinct(table(EVENTS).schema(), rows.subList(0, 99)))
        .as("too few rows to tell")
        .isEmpty();
  }

  @Test
  void lastCommittedSeesThroughSnapshotsWithoutTheKey() {
    TableSink sink = lake.sink(EVENTS, List.of());
    assertThat(sink.lastCommitted("tributary.offsets")).isEmpty();
    List<Map<String, Object>> rows = List.of(row("e", "a"));
    sink.prepare(rows);
    sink.append(rows, Map.of("tributary.offsets", "0:1"));
    sink.append(rows, Map.of("tributary.offsets", "0:2"));
    sink.append(rows, Map.of());
    table(EVENTS).newAppend().set("other", "x").commit(); // an external writer

    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:2");
    assertThat(lake.sink(EVENTS, List.of()).lastCommitted("tributary.offsets")).contains("0:2");
    assertThat(sink.lastCommitted("missing")).isEmpty();
  }

  @Test
  void appendIfCommitsOnlyWhileTheExpectedValueHolds() {
    TableSink sink = lake.sink(EVENTS, List.of());
    List<Map<String, Object>> rows = List.of(row("e", "a"));
    sink.prepare(rows);
    SummaryExpectation unset = new SummaryExpectation("tributary.offsets", Optional.empty());
    sink.appendIf(rows, Map.of("tributary.offsets", "0:1"), Optional.of(unset));
    sink.append(rows, Map.of()); // a snapshot without the key keeps the value

    assertThatThrownBy(
            () -> sink.appendIf(rows, Map.of("tributary.offsets", "0:9"), Optional.of(unset)))
        .isInstanceOf(CommitConflictException.class)
        .hasMessageContaining("[tributary.offsets] are no longer [unset]");
    SummaryExpectation one = new SummaryExpectation("tributary.offsets", Optional.of("0:1"));
    sink.appendIf(rows, Map.of("tributary.offsets", "0:2"), Optional.of(one));

    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:2");
    assertThat(TestLakes.read(table(EVENTS))).hasSize(3);

    // several keys at once (maintenance carrying every marker): each must still hold
    sink.append(rows, Map.of("tributary.files", "f1"));
    SummaryExpectation stale =
        SummaryExpectation.unchanged(Map.of("tributary.offsets", "0:1", "tributary.files", "f1"));
    assertThatThrownBy(() -> sink.appendIf(rows, Map.of(), Optional.of(stale)))
        .isInstanceOf(CommitConflictException.class);
    SummaryExpectation current =
        SummaryExpectation.unchanged(Map.of("tributary.offsets", "0:2", "tributary.files", "f1"));
    sink.appendIf(rows, Map.of(), Optional.of(current));
    assertThat(TestLakes.read(table(EVENTS))).hasSize(5);
  }

  @Test
  void emptyAppendCommitsItsProperties() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    AppendResult result = sink.append(List.of(), Map.of("tributary.offsets", "0:5"));

    Table table = table(EVENTS);
    assertThat(result.rows()).isZero();
    assertThat(result.files()).isZero();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(result.snapshotId());
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:5");
    assertThat(table.schema().columns()).isEmpty();

    // the first real batch then adds columns and the partition field
    List<Map<String, Object>> rows = List.of(row("e", "a", "_ingested_at", T0));
    assertThat(sink.prepare(rows)).isEmpty();
    sink.append(rows, Map.of("tributary.offsets", "0:6"));
    assertThat(table(EVENTS).spec().fields()).hasSize(1);
    assertThat(TestLakes.read(table(EVENTS))).hasSize(1);
  }

  @Test
  void writesBatchesInParallelAndCommitsThemInOneSnapshot() throws IOException {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> first = List.of(row("id", 1L, "_ingested_at", T0));
    List<Map<String, Object>> second =
        List.of(row("id", 2L, "_ingested_at", T0), row("id", 3L, "_ingested_at", T0));
    assertThat(sink.prepare(first)).isEmpty();
    var firstWrite = sink.write(first);
    assertThat(sink.prepare(second)).isEmpty();
    var secondWrite = sink.write(second);

    AppendResult result =
        sink.commit(
            List.of(TableSink.join(firstWrite), TableSink.join(secondWrite)), Map.of("k", "v"));

    assertThat(result.rows()).isEqualTo(3);
    assertThat(result.files()).isEqualTo(2);
    Table table = table(EVENTS);
    assertThat(table.snapshots()).hasSize(1);
    assertThat(table.currentSnapshot().summary()).containsEntry("k", "v");
    assertThat(files(table)).hasSize(2);
  }

  @Test
  void discardDeletesWrittenFiles() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows = List.of(row("id", 1L, "_ingested_at", T0));
    sink.prepare(rows);
    WrittenFiles written = TableSink.join(sink.write(rows));
    List<Path> paths =
        written.files().stream().map(f -> LocalFileIO.toFile(f.location()).toPath()).toList();
    assertThat(paths).allSatisfy(p -> assertThat(p).exists());

    sink.discard(List.of(written));

    assertThat(paths).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(table(EVENTS).currentSnapshot()).isNull();
  }

  @Test
  void writeOfARowThatDoesNotFitFails() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    sink.prepare(List.of(row("id", 1L)));
    assertThatThrownBy(() -> TableSink.join(sink.write(List.of(row("id", "abc")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id");
  }

  @Test
  void aRowThatDoesNotFitAfterOthersLeavesNoFileBehind() throws IOException {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    sink.prepare(List.of(row("id", 1L, "_ingested_at", T0)));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long i = 0; i < 1_000; i++) {
      rows.add(row("id", i, "_ingested_at", T0));
    }
    rows.add(row("id", "abc", "_ingested_at", T0));

    assertThatThrownBy(() -> TableSink.join(sink.write(rows)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Row 1000");
    try (Stream<Path> written = Files.walk(dir)) {
      assertThat(written.filter(p -> p.toString().endsWith(".parquet"))).isEmpty();
    }
  }

  @Test
  void partitionKeyFollowsEveryPartitionColumn() throws IOException {
    TableSink sink =
        lake.sink(
            EVENTS,
            List.of(PartitionField.parse("day(_ingested_at)"), PartitionField.parse("country")));
    List<Map<String, Object>> rows =
        List.of(
            row("e", "a", "country", "DE", "_ingested_at", T0),
            row("e", "b", "country", "DE", "_ingested_at", T0),
            row("e", "c", "country", "FR", "_ingested_at", T0),
            row("e", "d", "country", "DE", "_ingested_at", T0),
            row("e", "e", "country", "DE", "_ingested_at", T0.plus(1, ChronoUnit.DAYS)));
    sink.prepare(rows);
    sink.append(rows, Map.of());

    int day = (int) LocalDate.of(2026, 11, 26).toEpochDay();
    assertThat(files(table(EVENTS)))
        .extracting(
            f -> f.partition().get(0, Integer.class),
            f -> f.partition().get(1, String.class),
            DataFile::recordCount)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(day, "DE", 3L),
            org.assertj.core.groups.Tuple.tuple(day, "FR", 1L),
            org.assertj.core.groups.Tuple.tuple(day + 1, "DE", 1L));
  }

  @Test
  void columnsAddedCarryTheDocTheCallerGives() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows = List.of(row("a_b", 1L, "_ingested_at", T0));
    assertThat(sink.prepare(rows, column -> column.equals("a_b") ? "JSON path /a/b" : null))
        .isEmpty();
    sink.append(rows, Map.of());
    assertThat(table(EVENTS).schema().findField("a_b").doc()).isEqualTo("JSON path /a/b");
    assertThat(sink.columnDocs()).containsEntry("a_b", "JSON path /a/b");
    assertThat(sink.columnDocs()).containsKey("_ingested_at");
    List<Map<String, Object>> more = List.of(row("c", "x", "_ingested_at", T0));
    sink.prepare(more, column -> "JSON path /" + column);
    assertThat(table(EVENTS).schema().findField("c").doc()).isEqualTo("JSON path /c");
  }

  @Test
  void aDroppedTableIsNotWrittenAgain() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows = List.of(row("x", 1L, "_ingested_at", T0));
    sink.prepare(rows);
    sink.append(rows, Map.of());
    lake.catalog().dropTable(org.apache.iceberg.catalog.TableIdentifier.of("raw", "app_events"));
    assertThatThrownBy(() -> sink.prepare(rows))
        .isInstanceOf(TableReplacedException.class)
        .hasMessageContaining("raw.app_events")
        .hasMessageContaining("dropped");
    assertThat(lake.loadTable(EVENTS)).isEmpty();
  }

  @Test
  void aTableRenamedIntoItsPlaceIsNeverWritten() {
    TableSink sink = lake.sink(EVENTS, BY_DAY);
    List<Map<String, Object>> rows = List.of(row("x", 1L, "_ingested_at", T0));
    sink.prepare(rows);
    sink.append(rows, Map.of());
    var catalog = lake.catalog();
    var foreign = org.apache.iceberg.catalog.TableIdentifier.of("raw", "foreign");
    catalog.createTable(
        foreign, new Schema(Types.NestedField.optional(1, "x", Types.LongType.get())));
    catalog.dropTable(org.apache.iceberg.catalog.TableIdentifier.of("raw", "app_events"), false);
    catalog.renameTable(
        foreign, org.apache.iceberg.catalog.TableIdentifier.of("raw", "app_events"));
    assertThatThrownBy(() -> sink.prepare(rows))
        .isInstanceOf(TableReplacedException.class)
        .hasMessageContaining("replaced");
    assertThatThrownBy(() -> sink.append(rows, Map.of()))
        .isInstanceOf(TableReplacedException.class);
    assertThat(table(EVENTS).currentSnapshot()).isNull();
  }
}
