package io.tributary.batch.format;

import static io.tributary.batch.format.TestFiles.readAll;
import static io.tributary.batch.format.TestFiles.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet files written here with Iceberg's and parquet-mr's writers: footer schema and rows. */
class ParquetFormatTest {
  @TempDir Path dir;

  private final FileClassifier classifier = new FileClassifier(SampleLimits.DEFAULT);

  private static final Schema WRITTEN =
      new Schema(
          Types.NestedField.required(1, "OrderId", Types.LongType.get()),
          Types.NestedField.optional(2, "UnitPrice", Types.DecimalType.of(10, 2)),
          Types.NestedField.optional(3, "shipped", Types.DateType.get()),
          Types.NestedField.optional(4, "at", Types.TimestampType.withZone()),
          Types.NestedField.optional(
              5,
              "Customer",
              Types.StructType.of(
                  Types.NestedField.optional(6, "Name", Types.StringType.get()),
                  Types.NestedField.optional(
                      7, "tags", Types.ListType.ofOptional(8, Types.StringType.get())))));

  private Path writeIceberg(int rows) throws IOException {
    Path file = dir.resolve("orders.parquet");
    try (FileAppender<Record> out =
        Parquet.write(org.apache.iceberg.Files.localOutput(file.toFile()))
            .schema(WRITTEN)
            .createWriterFunc(GenericParquetWriter::create)
            .build()) {
      for (int i = 0; i < rows; i++) {
        GenericRecord r = GenericRecord.create(WRITTEN);
        r.setField("OrderId", (long) i);
        r.setField("UnitPrice", new BigDecimal("12.50"));
        r.setField("shipped", LocalDate.of(2026, 11, 26));
        r.setField("at", OffsetDateTime.of(2026, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC));
        GenericRecord c = GenericRecord.create(WRITTEN.findType("Customer").asStructType());
        c.setField("Name", "c" + i);
        c.setField("tags", List.of("x", "y"));
        r.setField("Customer", i % 2 == 0 ? c : null);
        out.add(r);
      }
    }
    return file;
  }

  @Test
  void icebergWrittenFileClassifiesFromTheFooterAndReadsEveryRow() throws IOException {
    Path file = writeIceberg(1000);

    Classification c = classifier.classify(file);

    assertThat(c.format()).isEqualTo(Format.PARQUET);
    assertThat(c.compression()).isEqualTo(Compression.NONE);
    assertThat(c.sampledRecords()).isEqualTo(1000);
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("orderid", "long"),
            Map.entry("unitprice", "decimal(10, 2)"),
            Map.entry("shipped", "date"),
            Map.entry("at", "timestamptz"),
            Map.entry(
                "customer", "struct<6: name: optional string, 7: tags: optional list<string>>"));

    List<SourceRow> rows = readAll(file, c);
    assertThat(rows).hasSize(1000).noneMatch(SourceRow::rejected);
    Record first = rows.get(0).record();
    assertThat(rows.get(0).line()).isEqualTo(1);
    assertThat(first.getField("orderid")).isEqualTo(0L);
    assertThat(first.getField("unitprice")).isEqualTo(new BigDecimal("12.50"));
    assertThat(((Record) first.getField("customer")).getField("name")).isEqualTo("c0");
    assertThat(((Record) first.getField("customer")).getField("tags")).isEqualTo(List.of("x", "y"));
    assertThat(rows.get(1).record().getField("customer")).isNull();
  }

  @Test
  void readsIntoAWiderTargetAndRejectsWhatDoesNotFit() throws IOException {
    Path file = writeIceberg(3);
    Classification c = classifier.classify(file);
    Schema target =
        new Schema(
            Types.NestedField.optional(1, "orderid", Types.DecimalType.of(3, 0)),
            Types.NestedField.optional(2, "unitprice", Types.DoubleType.get()),
            Types.NestedField.optional(3, "shipped", Types.TimestampType.withoutZone()),
            Types.NestedField.optional(4, "new_column", Types.StringType.get()));

    assertThatThrownBy(() -> RowReaders.open(file, c, target))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("[at, customer]");
    List<SourceRow> rows = readAll(file, c, target, ExtraColumns.IGNORE);

    assertThat(rows).hasSize(3);
    assertThat(rows.get(2).record().getField("orderid")).isEqualTo(new BigDecimal("2"));
    assertThat(rows.get(2).record().getField("unitprice")).isEqualTo(12.5);
    assertThat(rows.get(2).record().getField("new_column")).isNull();
  }

  @Test
  void fileWithoutFieldIdsIsReadByName() throws IOException {
    Path file = dir.resolve("plain.parquet");
    MessageType type =
        MessageTypeParser.parseMessageType(
            "message m { required int32 Count; optional binary Label (STRING); optional double x; }");
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(type).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(type);
      for (int i = 0; i < 5; i++) {
        w.write(groups.newGroup().append("Count", i).append("Label", "l" + i).append("x", i * 0.5));
      }
    }

    Classification c = classifier.classify(file);

    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("count", "int"), Map.entry("label", "string"), Map.entry("x", "double"));
    List<SourceRow> rows = readAll(file, c);
    assertThat(rows)
        .extracting(r -> r.record().getField("label"))
        .containsExactly("l0", "l1", "l2", "l3", "l4");
    assertThat(rows.get(4).record().getField("x")).isEqualTo(2.0);
  }

  @Test
  void compressedParquetIsUnknown() throws IOException {
    Path file = writeIceberg(2);
    Path gz = dir.resolve("orders.parquet.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(file, out);
    }

    Classification c = classifier.classify(gz);

    assertThat(c.format()).isEqualTo(Format.UNKNOWN);
    assertThat(c.compression()).isEqualTo(Compression.GZIP);
    assertThat(c.reason()).contains("compressed Parquet");
  }

  @Test
  void truncatedParquetIsUnknown() throws IOException {
    Path file = writeIceberg(10);
    Path cut = dir.resolve("cut.parquet");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    Classification c = classifier.classify(cut);

    assertThat(c.format()).isEqualTo(Format.UNKNOWN);
    assertThat(c.reason()).startsWith("unreadable Parquet file");
  }
}
