package io.tributary.batch.format;

import static io.tributary.batch.format.TestFiles.readAll;
import static io.tributary.batch.format.TestFiles.resource;
import static io.tributary.batch.format.TestFiles.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Messy real-world files under src/test/resources/formats: classification and rows. */
class GoldenFilesTest {
  private final FileClassifier classifier = new FileClassifier(SampleLimits.DEFAULT);

  @ParameterizedTest
  @CsvSource({"orders_bom_semicolon.csv, NONE", "orders_bom_semicolon.csv.zst, ZSTD"})
  void bomSemicolonDecimalCommaQuotedNewlines(String name, Compression compression)
      throws IOException {
    Classification c = classifier.classify(resource(name));

    assertThat(c.format()).isEqualTo(Format.CSV);
    assertThat(c.compression()).isEqualTo(compression);
    assertThat(c.csv()).isEqualTo(new CsvDialect(';', '"', true, StandardCharsets.UTF_8, true));
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("order_id", "int"),
            Map.entry("kunde", "string"),
            Map.entry("betrag", "decimal(18, 2)"),
            Map.entry("bestelldatum", "date"),
            Map.entry("notiz", "string"));
    assertThat(c.sampledRecords()).isEqualTo(3);

    List<SourceRow> rows = readAll(resource(name), c);
    assertThat(rows).extracting(SourceRow::line).containsExactly(2L, 3L, 5L);
    assertThat(rows).noneMatch(SourceRow::rejected);
    Record first = rows.get(0).record();
    assertThat(first.getField("kunde")).isEqualTo("Müller GmbH");
    assertThat(first.getField("betrag")).isEqualTo(new BigDecimal("12.50"));
    assertThat(first.getField("notiz")).isEqualTo("Lieferung; \"express\"");
    assertThat(rows.get(1).record().getField("bestelldatum")).isEqualTo(LocalDate.of(2026, 11, 26));
    assertThat(rows.get(1).record().getField("notiz")).isEqualTo("zweite\r\nZeile");
    assertThat(rows.get(2).record().getField("notiz")).isNull();
  }

  @ParameterizedTest
  @CsvSource({"events_mixed.csv, NONE", "events_mixed.csv.gz, GZIP"})
  void mixedDatesEpochsLeadingZerosAndRaggedRows(String name, Compression compression)
      throws IOException {
    Classification all = classifier.classify(resource(name));
    assertThat(all.compression()).isEqualTo(compression);
    assertThat(types(all.schema())).containsEntry("amount", "string"); // 'abc' in row 7

    // sample only the first 6 data rows: row 7's 'abc' is then past the sample
    Classification c = new FileClassifier(new SampleLimits(6, 1 << 20)).classify(resource(name));
    assertThat(c.csv().delimiter()).isEqualTo(',');
    assertThat(c.csv().header()).isTrue();
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("id", "int"),
            Map.entry("event_time", "timestamptz"),
            Map.entry("created_at", "timestamptz"),
            Map.entry("amount", "double"),
            Map.entry("zip", "string"),
            Map.entry("active", "boolean"),
            Map.entry("comment", "string"));

    List<SourceRow> rows = readAll(resource(name), c);
    assertThat(rows).extracting(SourceRow::line).containsExactly(2L, 3L, 4L, 5L, 7L, 8L, 9L);
    Record r1 = rows.get(0).record();
    assertThat(r1.getField("event_time"))
        .isEqualTo(OffsetDateTime.of(2026, 11, 26, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(r1.getField("created_at"))
        .isEqualTo(OffsetDateTime.of(2025, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC));
    assertThat(r1.getField("zip")).isEqualTo("01234");
    assertThat(r1.getField("amount")).isEqualTo(1.5);
    assertThat(rows.get(1).record().getField("active")).isEqualTo(false);
    assertThat(rows.get(1).record().getField("comment")).isEqualTo("a, b");
    assertThat(rows.get(2).record().getField("active")).isNull();
    assertThat(rows.get(3).record().getField("event_time")).isNull();
    assertThat(rows.get(3).record().getField("comment")).isEqualTo("multi\nline");

    SourceRow tooMany = rows.get(4);
    assertThat(tooMany.rejected()).isTrue();
    assertThat(tooMany.rejectReason()).isEqualTo("the row has 8 fields, the file has 7 columns");
    assertThat(tooMany.rawText())
        .isEqualTo("5,2026-11-27T08:30:00+01:00,1764151440,5e2,12345,false,x,EXTRA");

    Record tooFew = rows.get(5).record();
    assertThat(tooFew.getField("event_time"))
        .isEqualTo(OffsetDateTime.of(2026, 11, 28, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(tooFew.getField("amount")).isNull();

    SourceRow bad = rows.get(6);
    assertThat(bad.rejectReason()).isEqualTo("column 'amount': 'abc' is not a double");
    assertThat(bad.rawText()).isEqualTo("7,2026-11-29,1764151500,abc,1,true,bad amount");
  }

  @ParameterizedTest
  @CsvSource({
    "sparse.jsonl, NONE",
    "sparse.jsonl.zst, ZSTD",
    "sparse_jsonl_gzip_no_extension, GZIP"
  })
  void sparseNestedJsonLines(String name, Compression compression) throws IOException {
    Classification c = classifier.classify(resource(name));

    assertThat(c.format()).isEqualTo(Format.JSON_LINES);
    assertThat(c.compression()).isEqualTo(compression);
    assertThat(c.sampledRecords()).isEqualTo(4);
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("id", "string"), // 1, 2, 3 and "four"
            Map.entry(
                "user",
                "struct<8: name: optional string, 9: tags: optional list<string>, 10: age: optional int>"),
            Map.entry("score", "double"),
            Map.entry("ts", "timestamptz"),
            Map.entry("note", "string"),
            Map.entry("extra_rare", "string"),
            Map.entry("when", "timestamptz"));

    List<SourceRow> rows = readAll(resource(name), c);
    assertThat(rows).extracting(SourceRow::line).containsExactly(1L, 2L, 4L, 5L, 6L);
    Record ann = rows.get(0).record();
    assertThat(ann.getField("id")).isEqualTo("1");
    Record user = (Record) ann.getField("user");
    assertThat(user.getField("name")).isEqualTo("ann");
    assertThat(user.getField("tags")).isEqualTo(List.of("a", "b"));
    assertThat(user.getField("age")).isNull();
    assertThat(ann.getField("score")).isEqualTo(10.0);
    assertThat(ann.getField("ts"))
        .isEqualTo(OffsetDateTime.of(2025, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC));
    assertThat(rows.get(2).rejected()).isTrue();
    assertThat(rows.get(2).rejectReason()).startsWith("malformed JSON");
    assertThat(rows.get(2).rawText()).isEqualTo("this is not json");
    assertThat(rows.get(3).record().getField("extra_rare")).isEqualTo("only here");
    assertThat(rows.get(4).record().getField("id")).isEqualTo("four");
  }

  @Test
  void jsonLinesRejectsValuesThatDoNotFitAnotherTarget() throws IOException {
    Classification c = classifier.classify(resource("sparse.jsonl"));
    Schema target =
        new Schema(
            Types.NestedField.optional(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "score", Types.DoubleType.get()));

    List<SourceRow> rows = readAll(resource("sparse.jsonl"), c, target, ExtraColumns.IGNORE);

    assertThat(rows.get(0).record().getField("id")).isEqualTo(1L);
    assertThat(rows.get(4).rejectReason()).isEqualTo("column 'id': 'four' is not a long");
    List<SourceRow> strict = readAll(resource("sparse.jsonl"), c, target, ExtraColumns.FAIL);
    assertThat(strict.get(0).rejectReason()).isEqualTo("column 'user' is not in the table");
  }

  @Test
  void driftingPrettyJsonArray() throws IOException {
    Classification c = classifier.classify(resource("drifting.json"));

    assertThat(c.format()).isEqualTo(Format.JSON_ARRAY);
    assertThat(c.sampledRecords()).isEqualTo(3);
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("sku", "string"),
            Map.entry("price", "double"), // 12, 12.5, 7.25: decimals of different scales
            Map.entry("qty", "long"),
            Map.entry("added", "timestamp"),
            Map.entry(
                "dims",
                "struct<6: w: optional decimal(18, 2), 7: h: optional decimal(18, 1), 8: d: optional decimal(18, 1)>"));

    List<SourceRow> rows = readAll(resource("drifting.json"), c);
    assertThat(rows)
        .extracting(SourceRow::rejectReason)
        .containsExactly(null, null, "not a JSON object", null);
    assertThat(rows).extracting(SourceRow::line).containsExactly(1L, 2L, 3L, 4L);
    assertThat(rows.get(0).record().getField("price")).isEqualTo(12.0);
    assertThat(rows.get(0).record().getField("added"))
        .isEqualTo(LocalDateTime.of(2026, 11, 26, 0, 0));
    assertThat(rows.get(2).rejectReason()).isEqualTo("not a JSON object");
    assertThat(rows.get(2).rawText()).isEqualTo("\"not an object\"");
    assertThat(rows.get(3).record().getField("qty")).isEqualTo(3_000_000_000L);
  }

  @Test
  void tabSeparatedWithQuotesInside() throws IOException {
    Classification c = classifier.classify(resource("people.tsv"));

    assertThat(c.csv().delimiter()).isEqualTo('\t');
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("name", "string"), Map.entry("age", "int"), Map.entry("city", "string"));
    List<SourceRow> rows = readAll(resource("people.tsv"), c);
    assertThat(rows.get(1).record().getField("name")).isEqualTo("Bob \"B\" Ray");
    assertThat(rows.get(1).record().getField("city")).isEqualTo("New York, NY");
    assertThat(rows.get(2).record().getField("age")).isNull();
  }

  @Test
  void pipesWithoutHeader() throws IOException {
    Classification c = classifier.classify(resource("numbers.psv"));

    assertThat(c.csv().delimiter()).isEqualTo('|');
    assertThat(c.csv().header()).isFalse();
    assertThat(types(c.schema()))
        .containsExactly(
            Map.entry("col_1", "int"),
            Map.entry("col_2", "decimal(18, 2)"),
            Map.entry("col_3", "date"));
    assertThat(readAll(resource("numbers.psv"), c)).hasSize(3);
  }

  @Test
  void windows1252Text() throws IOException {
    Classification c = classifier.classify(resource("latin1.csv"));

    assertThat(c.csv().charset().name()).isEqualTo("windows-1252");
    List<SourceRow> rows = readAll(resource("latin1.csv"), c);
    assertThat(rows.get(0).record().getField("ville")).isEqualTo("Orléans");
  }

  @ParameterizedTest
  @CsvSource({
    "pixel.png, the file is a PNG image: not a data format",
    "garbage.bin, binary content (NUL bytes)",
    "single_column.txt, 'no delimiter (, ; tab |) splits the text: a single-column or free text file is not classified as CSV'",
    "pretty_object.json, the first line is not a JSON object: an object that does not end on its line",
    "array_of_numbers.json, 'a JSON array of numbers, not of objects'",
    "empty.csv, the file is empty",
    "table.csv.bz2, the file is bzip2-compressed: not supported"
  })
  void unknownFilesSayWhy(String name, String reason) throws IOException {
    Classification c = classifier.classify(resource(name));

    assertThat(c.format()).isEqualTo(Format.UNKNOWN);
    assertThat(c.known()).isFalse();
    assertThat(c.schema()).isNull();
    assertThat(c.reason()).isEqualTo(reason);
    assertThatThrownBy(() -> RowReaders.open(resource(name), c, new Schema()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void unclosedQuoteRejectsTheRestOfTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("unclosed.csv");
    Files.writeString(file, "a,b\n1,2\n3,4\n5,\"never closed\n6,7\n");
    Classification c = classifier.classify(file);

    List<SourceRow> rows = readAll(file, c);

    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).record().getField("b")).isEqualTo(4);
    assertThat(rows.get(2).line()).isEqualTo(4);
    assertThat(rows.get(2).rejectReason())
        .startsWith("malformed CSV (the rest of the file is skipped): ");
  }

  @Test
  void singleQuotesAndUtf16(@TempDir Path dir) throws IOException {
    Path quoted = dir.resolve("quoted.csv");
    Files.writeString(quoted, "name,comment\n'a, b',x\n'it''s',y\nc,z\n");
    Path utf16 = dir.resolve("utf16.tsv");
    byte[] text = "nom\tâge\nZoé\t7\n".getBytes(StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[text.length + 2];
    withBom[0] = (byte) 0xff;
    withBom[1] = (byte) 0xfe;
    System.arraycopy(text, 0, withBom, 2, text.length);
    Files.write(utf16, withBom);

    Classification q = classifier.classify(quoted);
    Classification u = classifier.classify(utf16);

    assertThat(q.csv().quote()).isEqualTo('\'');
    assertThat(readAll(quoted, q))
        .extracting(r -> r.record().getField("name"))
        .containsExactly("a, b", "it's", "c");
    assertThat(u.csv()).isEqualTo(new CsvDialect('\t', '"', true, StandardCharsets.UTF_16LE, true));
    assertThat(types(u.schema()))
        .containsExactly(Map.entry("nom", "string"), Map.entry("age", "int"));
    assertThat(readAll(utf16, u).get(0).record().getField("nom")).isEqualTo("Zoé");
  }

  @Test
  void bytesReadCountsTheCompressedFile() throws IOException {
    Path file = resource("events_mixed.csv.gz");
    Classification c = classifier.classify(file);
    try (RowReader reader = RowReaders.open(file, c, c.schema())) {
      assertThat(reader.bytesRead()).isLessThanOrEqualTo(Files.size(file));
      while (reader.next() != null) {
        assertThat(reader.bytesRead()).isLessThanOrEqualTo(Files.size(file));
      }
      assertThat(reader.bytesRead()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void contentAfterAJsonArrayIsNeverDroppedSilently(@TempDir Path dir) throws IOException {
    Path two = dir.resolve("two_arrays.json");
    Files.writeString(two, "[{\"a\": 1}]\n[{\"a\": 2}]\n");
    assertThat(classifier.classify(two).reason())
        .isEqualTo(
            "content after the end of the JSON array: several JSON values are not one array");

    Path tail = dir.resolve("tail.json");
    Files.writeString(tail, "[{\"a\": 1}, {\"a\": 2}]" + " ".repeat(5000) + "[{\"a\": 3}]");
    Classification c = new FileClassifier(new SampleLimits(10, 4096)).classify(tail);
    List<SourceRow> rows = readAll(tail, c);
    assertThat(rows).extracting(SourceRow::line).containsExactly(1L, 2L, 3L);
    assertThat(rows.get(2).rejectReason())
        .isEqualTo("content after the end of the JSON array (the rest of the file is skipped)");
  }

  @Test
  void extraCsvColumnsFailAtOpenUnlessIgnored() throws IOException {
    Classification c = classifier.classify(resource("people.tsv"));
    Schema target = new Schema(Types.NestedField.optional(1, "name", Types.StringType.get()));

    assertThatThrownBy(() -> RowReaders.open(resource("people.tsv"), c, target))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("[age, city]");
    List<SourceRow> rows = readAll(resource("people.tsv"), c, target, ExtraColumns.IGNORE);
    assertThat(rows.get(0).record().getField("name")).isEqualTo("Ann Lee");
  }
}
