package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.LocationProviders;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableWriterTest {
  private static final TableId USERS = TableId.parse("raw.users");

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

  private static Types.NestedField optional(
      int id, String name, org.apache.iceberg.types.Type type) {
    return Types.NestedField.optional(id, name, type);
  }

  private static Types.StructType struct(Types.NestedField... fields) {
    return Types.StructType.of(fields);
  }

  private static final org.apache.iceberg.types.Type STRING = Types.StringType.get();
  private static final org.apache.iceberg.types.Type INT = Types.IntegerType.get();
  private static final org.apache.iceberg.types.Type LONG = Types.LongType.get();

  @Test
  void createsWithThePolicysPropertiesAndLoadsATableCreatedFirstByAnother() {
    Schema schema = new Schema(optional(1, "id", LONG));
    Table created =
        lake.writer(USERS).create(schema, PartitionSpec.unpartitioned(), Map.of("owner", "a"));
    Table again =
        lake.writer(USERS).create(schema, PartitionSpec.unpartitioned(), Map.of("owner", "b"));

    Map<String, String> stored = new java.util.HashMap<>(lake.policy().properties());
    stored.remove(TableProperties.FORMAT_VERSION); // kept in the metadata, not as a property
    assertThat(created.properties()).containsAllEntriesOf(stored);
    assertThat(((BaseTable) created).operations().current().formatVersion()).isEqualTo(2);
    assertThat(again.properties()).containsEntry("owner", "a");
    assertThatThrownBy(
            () ->
                lake.writer(TableId.parse("raw.other"))
                    .create(
                        schema,
                        PartitionSpec.unpartitioned(),
                        Map.of(TableProperties.FORMAT_VERSION, "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set by the table policy");
  }

  @Test
  void nestedSchemaEvolutionFromSeveralWritersAssignsIdsAtEveryDepth() {
    TableWriter delivery = lake.writer(USERS);
    TableWriter crawler = lake.writer(USERS);
    delivery.create(
        new Schema(
            optional(1, "id", LONG),
            optional(
                2, "prefs", struct(optional(3, "genres", Types.ListType.ofOptional(4, STRING))))),
        PartitionSpec.unpartitioned(),
        Map.of());

    // another writer adds a nested field, a list of structs and a struct in a list in a struct
    SchemaChange first =
        crawler.evolveSchema(
            new Schema(
                optional(
                    1,
                    "prefs",
                    struct(
                        optional(2, "notifications", Types.BooleanType.get()),
                        optional(3, "genres", Types.ListType.ofOptional(4, STRING)))),
                optional(
                    5,
                    "orders",
                    Types.ListType.ofOptional(
                        6,
                        struct(
                            optional(7, "sku", STRING),
                            optional(
                                8,
                                "lines",
                                Types.ListType.ofOptional(
                                    9, struct(optional(10, "qty", INT)))))))));
    // the first writer, on its stale table, adds a map of structs and widens the nested int
    SchemaChange second =
        delivery.evolveSchema(
            new Schema(
                optional(
                    1,
                    "orders",
                    Types.ListType.ofOptional(
                        2,
                        struct(
                            optional(
                                3,
                                "lines",
                                Types.ListType.ofOptional(4, struct(optional(5, "qty", LONG))))))),
                optional(
                    6,
                    "tags",
                    Types.MapType.ofOptional(7, 8, STRING, struct(optional(9, "weight", INT)))),
                optional(10, "signup", STRING)));

    Schema schema = lake.loadTable(USERS).orElseThrow().schema();
    assertThat(first.describe()).startsWith("added prefs.notifications boolean, orders list<");
    assertThat(second.describe())
        .contains("added tags map<string, struct<")
        .contains("signup string")
        .contains("changed orders.element.lines.element.qty int -> long");
    assertThat(schema.findType("prefs.notifications")).isEqualTo(Types.BooleanType.get());
    assertThat(schema.findType("prefs.genres.element")).isEqualTo(STRING);
    assertThat(schema.findType("orders.element.sku")).isEqualTo(STRING);
    assertThat(schema.findType("orders.element.lines.element.qty")).isEqualTo(LONG);
    assertThat(schema.findType("tags.value.weight")).isEqualTo(INT);
    assertThat(schema.findType("signup")).isEqualTo(STRING);
    int fields = TypeUtil.indexById(schema.asStruct()).size();
    assertThat(schema.highestFieldId()).isEqualTo(fields); // every id used once, none reused
    assertThat(crawler.evolveSchema(schema).isEmpty()).isTrue();
  }

  @Test
  void anIllegalChangeIsRejectedWithIcebergsReasonAndChangesNothing() {
    TableWriter writer = lake.writer(USERS);
    writer.create(
        new Schema(
            optional(1, "prefs", struct(optional(2, "notifications", Types.BooleanType.get())))),
        PartitionSpec.unpartitioned(),
        Map.of());
    Schema before = writer.table().orElseThrow().schema();

    assertThatThrownBy(
            () ->
                writer.evolveSchema(
                    new Schema(
                        optional(1, "prefs", struct(optional(2, "notifications", STRING))),
                        optional(3, "signup", STRING))))
        .isInstanceOf(SchemaChangeRejectedException.class)
        .hasMessageContaining("raw.users")
        .hasMessageContaining("Cannot change column type: prefs.notifications: boolean -> string");
    assertThat(lake.loadTable(USERS).orElseThrow().schema().sameSchema(before)).isTrue();
    // narrower is ignored, as Iceberg's union by name does
    assertThat(
            writer
                .evolveSchema(
                    new Schema(
                        optional(
                            1,
                            "prefs",
                            struct(optional(2, "notifications", Types.BooleanType.get())))))
                .isEmpty())
        .isTrue();
  }

  @Test
  void aChangeBeyondTheColumnLimitIsRejectedWithTheLimit() {
    lake.close();
    lake = Lake.open(TestLakes.settings(dir), Clock.systemUTC(), new TablePolicy(5));
    TableWriter writer = lake.writer(USERS);
    writer.create(
        new Schema(optional(1, "a", INT), optional(2, "s", struct(optional(3, "b", INT)))),
        PartitionSpec.unpartitioned(),
        Map.of());

    assertThat(writer.evolveSchema(new Schema(optional(1, "c", INT))).describe())
        .isEqualTo("added c int");
    assertThatThrownBy(
            () -> writer.evolveSchema(new Schema(optional(1, "d", INT), optional(2, "e", INT))))
        .isInstanceOf(SchemaChangeRejectedException.class)
        .hasMessageContaining(
            "it would hold 6 columns (fields at any depth), more than the limit of 5 per table");
    assertThat(lake.loadTable(USERS).orElseThrow().schema().findField("d")).isNull();
    assertThatThrownBy(() -> new TablePolicy(0))
        .hasMessageContaining("Invalid max columns per table: 0");
  }

  @Test
  void deliveryRejectsTheRowsThatNeedColumnsBeyondTheLimit() {
    lake.close();
    lake = Lake.open(TestLakes.settings(dir), Clock.systemUTC(), new TablePolicy(3));
    TableSink sink = lake.sink(USERS, List.of());
    assertThat(sink.prepare(List.of(Map.of("a", 1L, "b", 2L)))).isEmpty();

    Map<Integer, Rejection> rejected =
        sink.prepare(List.of(Map.of("a", 3L), Map.of("a", 4L, "c", 5L, "d", 6L)));

    assertThat(rejected).containsOnlyKeys(1);
    assertThat(rejected.get(1).code()).isEqualTo("schema_change_rejected");
    assertThat(rejected.get(1).reason())
        .contains("does not exist and cannot be added")
        .contains("more than the limit of 3 per table");
    assertThat(lake.loadTable(USERS).orElseThrow().schema().columns()).hasSize(2);
  }

  @Test
  void everyKindOfChangeCommitsItsOperationWithItsSummary() {
    TableSink sink =
        lake.sink(USERS, List.of(io.tributary.core.config.PartitionField.parse("day")));
    List<DataFile> day1 = files(sink, Map.of("id", 1L, "day", "d1"), Map.of("id", 2L, "day", "d1"));
    List<DataFile> day2 = files(sink, Map.of("id", 3L, "day", "d2"));
    TableWriter writer = lake.writer(USERS);

    Committed appended = writer.commit(TableChange.append(day1, Map.of("tributary.step", "1")));
    writer.commit(TableChange.append(day2, Map.of("tributary.step", "2")));
    List<DataFile> again = files(sink, Map.of("id", 4L, "day", "d1"));
    writer.commit(TableChange.replacePartitions(again, Map.of("tributary.step", "3")));
    assertThat(ids()).containsExactlyInAnyOrder(3L, 4L);
    List<DataFile> fresh = files(sink, Map.of("id", 5L, "day", "d2"));
    writer.commit(
        TableChange.overwrite(
            org.apache.iceberg.expressions.Expressions.equal("day", "d2"),
            fresh,
            Map.of("tributary.step", "4")));
    assertThat(ids()).containsExactlyInAnyOrder(4L, 5L);
    List<DataFile> replacement = files(sink, Map.of("id", 6L, "day", "d2"));
    writer.commit(
        TableChange.replaceFiles(
            Set.of(fresh.get(0).location()), replacement, Map.of("tributary.step", "5")));
    assertThat(ids()).containsExactlyInAnyOrder(4L, 6L);
    writer.commit(
        TableChange.deleteFiles(Set.of(again.get(0).location()), Map.of("tributary.step", "6")));
    assertThat(ids()).containsExactly(6L);

    Table table = lake.loadTable(USERS).orElseThrow();
    List<String> operations = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    org.apache.iceberg.util.SnapshotUtil.currentAncestors(table)
        .forEach(
            snapshot -> {
              operations.add(0, snapshot.operation());
              steps.add(0, snapshot.summary().get("tributary.step"));
            });
    assertThat(operations)
        .containsExactly("append", "append", "overwrite", "overwrite", "overwrite", "delete");
    assertThat(steps).containsExactly("1", "2", "3", "4", "5", "6");
    assertThat(table.snapshot(appended.snapshotId()).summary())
        .containsEntry("tributary.step", "1");
  }

  @SafeVarargs
  private static List<DataFile> files(TableSink sink, Map<String, Object>... rows) {
    assertThat(sink.prepare(List.of(rows))).isEmpty();
    return new ArrayList<>(TableSink.join(sink.write(List.of(rows))).files());
  }

  private List<Long> ids() {
    return TestLakes.read(lake.loadTable(USERS).orElseThrow()).stream()
        .map(r -> (Long) r.getField("id"))
        .toList();
  }

  @Test
  void anOutcomeUnknownCommitKeepsItsFilesAndIsNotWrittenTwice() {
    TableSink sink = lake.sink(USERS, List.of());
    List<Map<String, Object>> rows = List.of(Map.of("id", 1L), Map.of("id", 2L));
    assertThat(sink.prepare(rows)).isEmpty();
    List<DataFile> files = new ArrayList<>(TableSink.join(sink.write(rows)).files());
    AtomicBoolean lost = new AtomicBoolean(true);
    TableWriter writer =
        lake.writer(USERS).using(wrapped(lake.loadTable(USERS).orElseThrow(), lost, false));

    assertThatThrownBy(
            () ->
                writer.commitOrDiscard(
                    TableChange.append(files, Map.of("tributary.offsets", "0:2"))))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("check the table before retrying");

    assertThat(files).allMatch(f -> Files.exists(Path.of(java.net.URI.create(f.location()))));
    // the writer's caller checks the table before retrying: the batch landed, so no second commit
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:2");
    assertThat(TestLakes.read(lake.loadTable(USERS).orElseThrow())).hasSize(2);
  }

  @Test
  void aCommitThatFailsForSureDeletesItsFilesAndCommitsNothing() {
    TableSink sink = lake.sink(USERS, List.of());
    List<Map<String, Object>> rows = List.of(Map.of("id", 1L));
    assertThat(sink.prepare(rows)).isEmpty();
    lake.writer(USERS).updateProperties(Map.of(TableProperties.COMMIT_NUM_RETRIES, "0"), Set.of());
    List<DataFile> files = new ArrayList<>(TableSink.join(sink.write(rows)).files());
    TableWriter writer =
        lake.writer(USERS)
            .using(wrapped(lake.loadTable(USERS).orElseThrow(), new AtomicBoolean(true), true));

    assertThatThrownBy(() -> writer.commitOrDiscard(TableChange.append(files, Map.of())))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("Cannot commit the append of table raw.users");

    assertThat(files).noneMatch(f -> Files.exists(Path.of(java.net.URI.create(f.location()))));
    assertThat(TestLakes.read(lake.loadTable(USERS).orElseThrow())).isEmpty();
  }

  /**
   * {@code table} whose next commit, while {@code armed}, fails before reaching the catalog ({@code
   * before}) or lands and then reports that its state is unknown.
   */
  private static Table wrapped(Table table, AtomicBoolean armed, boolean before) {
    TableOperations real = ((BaseTable) table).operations();
    TableOperations ops =
        new TableOperations() {
          @Override
          public TableMetadata current() {
            return real.current();
          }

          @Override
          public TableMetadata refresh() {
            return real.refresh();
          }

          @Override
          public void commit(TableMetadata base, TableMetadata metadata) {
            if (armed.get() && before) {
              throw new CommitFailedException("injected: the catalog refused the swap");
            }
            real.commit(base, metadata);
            if (armed.getAndSet(false)) {
              throw new CommitStateUnknownException(new RuntimeException("injected: lost reply"));
            }
          }

          @Override
          public FileIO io() {
            return real.io();
          }

          @Override
          public String metadataFileLocation(String fileName) {
            return real.metadataFileLocation(fileName);
          }

          @Override
          public LocationProvider locationProvider() {
            return LocationProviders.locationsFor(current().location(), current().properties());
          }
        };
    return new BaseTable(ops, table.name());
  }
}
