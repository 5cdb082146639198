package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowLoadTest {
  private static final TableId DAILY = TableId.parse("transformed.daily_x");
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "day", Types.DateType.get()),
          Types.NestedField.optional(2, "show", Types.StringType.get()),
          Types.NestedField.optional(3, "listens", Types.IntegerType.get()));

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

  private static StructLike row(String day, String show, Integer listens) {
    Object[] values = {(int) LocalDate.parse(day).toEpochDay(), show, listens};
    return new StructLike() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public <T> T get(int pos, Class<T> javaClass) {
        return javaClass.cast(values[pos]);
      }

      @Override
      public <T> void set(int pos, T value) {
        values[pos] = value;
      }
    };
  }

  private Committed write(RowLoad.Mode mode, Map<String, String> summary, StructLike... rows) {
    Iterator<StructLike> iterator = List.of(rows).iterator();
    return new RowLoad(lake.writer(DAILY), List.of(PartitionField.parse("day")))
        .write(SCHEMA, iterator, mode, summary);
  }

  private List<String> rows() {
    Table table = lake.loadTable(DAILY).orElseThrow();
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(
          r ->
              rows.add(r.getField("day") + " " + r.getField("show") + " " + r.getField("listens")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    rows.sort(String::compareTo);
    return rows;
  }

  @Test
  void overwritePartitionsReplacesExactlyThePartitionsTheRowsHold() {
    write(
        RowLoad.Mode.OVERWRITE_PARTITIONS,
        Map.of(),
        row("2024-01-01", "a", 1),
        row("2024-01-02", "a", 2));
    Committed again =
        write(
            RowLoad.Mode.OVERWRITE_PARTITIONS,
            Map.of("tributary.flow.run-id", "20240102T000000Z"),
            row("2024-01-02", "a", 20),
            row("2024-01-02", "b", 21));
    write(
        RowLoad.Mode.OVERWRITE_PARTITIONS,
        Map.of(),
        row("2024-01-02", "a", 20),
        row("2024-01-02", "b", 21));

    assertThat(rows()).containsExactly("2024-01-01 a 1", "2024-01-02 a 20", "2024-01-02 b 21");
    Table table = lake.loadTable(DAILY).orElseThrow();
    assertThat(table.spec().fields()).hasSize(1);
    assertThat(table.snapshot(again.snapshotId()).summary())
        .containsEntry("tributary.flow.run-id", "20240102T000000Z");
  }

  @Test
  void appendAddsAndReplaceEmptiesTheTableFirst() {
    write(RowLoad.Mode.APPEND, Map.of(), row("2024-01-01", "a", 1));
    write(RowLoad.Mode.APPEND, Map.of(), row("2024-01-01", "a", 1));
    assertThat(rows()).hasSize(2);

    write(RowLoad.Mode.REPLACE, Map.of(), row("2024-01-03", "c", 3));
    assertThat(rows()).containsExactly("2024-01-03 c 3");
  }

  @Test
  void evolvesTheSchemaAndWidensNarrowerValues() {
    write(RowLoad.Mode.APPEND, Map.of(), row("2024-01-01", "a", 1));
    Schema wider =
        new Schema(
            Types.NestedField.optional(1, "day", Types.DateType.get()),
            Types.NestedField.optional(2, "show", Types.StringType.get()),
            Types.NestedField.optional(3, "listens", Types.LongType.get()),
            Types.NestedField.optional(4, "likes", Types.IntegerType.get()));
    Object[] values = {(int) LocalDate.parse("2024-01-02").toEpochDay(), "b", 5L, 7};
    StructLike row =
        new StructLike() {
          @Override
          public int size() {
            return values.length;
          }

          @Override
          public <T> T get(int pos, Class<T> javaClass) {
            return javaClass.cast(values[pos]);
          }

          @Override
          public <T> void set(int pos, T value) {}
        };
    new RowLoad(lake.writer(DAILY), List.of(PartitionField.parse("day")))
        .write(wider, List.of(row).iterator(), RowLoad.Mode.APPEND, Map.of());
    write(RowLoad.Mode.APPEND, Map.of(), row("2024-01-03", "c", 3)); // int into the long column

    Table table = lake.loadTable(DAILY).orElseThrow();
    assertThat(table.schema().findField("listens").type()).isEqualTo(Types.LongType.get());
    assertThat(table.schema().findField("likes")).isNotNull();
    assertThat(rows()).containsExactly("2024-01-01 a 1", "2024-01-02 b 5", "2024-01-03 c 3");
  }
}
