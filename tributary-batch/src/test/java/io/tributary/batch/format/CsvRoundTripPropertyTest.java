package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterProperty;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Seeded property test: random typed tables rendered as CSV with random dialects, quoting, line
 * endings, BOM and compression are classified back to their dialect, names and types, and read back
 * to their values.
 */
class CsvRoundTripPropertyTest {
  enum Kind {
    INT("int"),
    LONG("long"),
    DECIMAL("decimal(18, 2)"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    DATE("date"),
    TIMESTAMP("timestamp"),
    TIMESTAMPTZ("timestamptz"),
    STRING("string");

    final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  private static final char[] DELIMITERS = {',', ';', '\t', '|'};
  private static final String NAME_CHARS = "bcdfgkmnpqrsBCDFGé -.()#";
  private static final String TEXT_CHARS = "abcXYZ ,;|\t\"'\n\r-é€";

  private final Path dir;

  CsvRoundTripPropertyTest() throws IOException {
    dir = Files.createTempDirectory("csv-prop");
  }

  @AfterProperty
  void cleanUp() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
  }

  @Property(seed = "20261126", tries = 60)
  void renderedTablesClassifyAndReadBack(@ForAll long seed) throws IOException {
    Random r = new Random(seed);
    int columns = 2 + r.nextInt(5);
    int rows = 3 + r.nextInt(40);
    boolean header = r.nextInt(4) != 0;
    char delimiter = DELIMITERS[r.nextInt(DELIMITERS.length)];
    boolean quoteAll = r.nextBoolean();
    String newline = r.nextBoolean() ? "\n" : "\r\n";
    boolean bom = r.nextInt(3) == 0;
    boolean decimalComma = delimiter == ';' && r.nextBoolean();
    Compression compression = Compression.values()[r.nextInt(3)];

    Kind[] kinds = new Kind[columns];
    String[] names = new String[columns];
    for (int c = 0; c < columns; c++) {
      kinds[c] = Kind.values()[r.nextInt(Kind.values().length)];
      names[c] = "Col " + c + " " + random(r, NAME_CHARS, 0, 6);
    }
    if (!header) {
      kinds[0] = Kind.INT; // a typed first row tells a headerless file
    }
    String[][] text = new String[rows][columns];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < columns; c++) {
        boolean nullValue = (header || i > 0) && r.nextInt(6) == 0;
        text[i][c] = nullValue ? "" : value(kinds[c], r, decimalComma, i);
      }
    }
    for (int c = 0; c < columns; c++) {
      text[rows - 1][c] = value(kinds[c], r, decimalComma, 0); // every column has a value
      if (kinds[c] == Kind.LONG) {
        text[rows - 1][c] = Long.toString(3_000_000_000L + r.nextInt(1000));
      }
    }

    StringBuilder csv = new StringBuilder();
    if (header) {
      line(csv, names, delimiter, quoteAll, newline);
    }
    List<Long> lines = new ArrayList<>();
    long lineNo = header ? 2 : 1;
    for (String[] row : text) {
      lines.add(lineNo);
      line(csv, row, delimiter, quoteAll, newline);
      for (String v : row) {
        lineNo += breaks(v);
      }
      lineNo++;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (bom) {
      bytes.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
    }
    bytes.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("t" + seed + ".csv");
    Compressor.write(file, bytes.toByteArray(), compression);

    Classification cls = new FileClassifier(SampleLimits.DEFAULT).classify(file);

    assertThat(cls.format()).as(cls.reason()).isEqualTo(Format.CSV);
    assertThat(cls.compression()).isEqualTo(compression);
    assertThat(cls.csv())
        .isEqualTo(new CsvDialect(delimiter, '"', header, StandardCharsets.UTF_8, bom));
    assertThat(cls.sampledRecords()).isEqualTo(rows);
    List<String> expectedNames = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      expectedNames.add(header ? names[c] : "");
    }
    expectedNames = Names.normalizeAll(expectedNames);
    for (int c = 0; c < columns; c++) {
      Types.NestedField f = cls.schema().columns().get(c);
      assertThat(f.name()).isEqualTo(expectedNames.get(c));
      assertThat(f.type().toString()).as("column %s", f.name()).isEqualTo(kinds[c].type);
    }

    List<SourceRow> read = TestFiles.readAll(file, cls);
    assertThat(read).hasSize(rows);
    for (int i = 0; i < rows; i++) {
      SourceRow row = read.get(i);
      assertThat(row.rejectReason()).isNull();
      assertThat(row.line()).isEqualTo(lines.get(i));
      Record rec = row.record();
      for (int c = 0; c < columns; c++) {
        assertValue(rec.get(c), text[i][c], kinds[c], decimalComma);
      }
    }
  }

  private static void assertValue(Object actual, String text, Kind kind, boolean decimalComma) {
    if (text.isEmpty()) {
      assertThat(actual).isNull();
      return;
    }
    switch (kind) {
      case INT:
        assertThat(actual).isEqualTo(Integer.parseInt(text));
        break;
      case LONG:
        assertThat(actual).isEqualTo(Long.parseLong(text));
        break;
      case DECIMAL:
        assertThat(actual).isEqualTo(new BigDecimal(text.replace(',', '.')));
        break;
      case DOUBLE:
        assertThat(actual).isEqualTo(Double.parseDouble(text.replace(',', '.')));
        break;
      case BOOLEAN:
        assertThat(actual).isEqualTo(Boolean.parseBoolean(text));
        break;
      case DATE:
        assertThat(actual).isEqualTo(TextValues.parseTemporal(text));
        break;
      case TIMESTAMP:
        assertThat(actual).isEqualTo(LocalDateTime.parse(text.replace(' ', 'T')));
        break;
      case TIMESTAMPTZ:
        assertThat(((OffsetDateTime) actual).toInstant())
            .isEqualTo(OffsetDateTime.parse(text).toInstant());
        break;
      default:
        assertThat(actual).isEqualTo(text);
    }
  }

  private static String value(Kind kind, Random r, boolean decimalComma, int i) {
    switch (kind) {
      case INT:
        return Integer.toString(r.nextInt(2_000_000) - 1_000_000);
      case LONG:
        return Long.toString(r.nextLong() / (1 + r.nextInt(1000)));
      case DECIMAL:
        String d = BigDecimal.valueOf(r.nextInt(10_000_000) - 5_000_000, 2).toPlainString();
        return decimalComma ? d.replace('.', ',') : d;
      case DOUBLE:
        String e =
            String.format(
                java.util.Locale.ROOT,
                "%.3e",
                (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(30) - 10));
        return decimalComma ? e.replace('.', ',') : e;
      case BOOLEAN:
        return r.nextBoolean() ? "true" : (r.nextBoolean() ? "FALSE" : "False");
      case DATE:
        LocalDate day = LocalDate.ofEpochDay(r.nextInt(40_000));
        return r.nextBoolean()
            ? day.toString()
            : String.format(
                "%02d.%02d.%04d", day.getDayOfMonth(), day.getMonthValue(), day.getYear());
      case TIMESTAMP:
        LocalDateTime t =
            LocalDateTime.ofEpochSecond(
                r.nextInt(2_000_000_000), r.nextInt(1000) * 1_000_000, ZoneOffset.UTC);
        String iso = t.toString();
        return r.nextBoolean() ? iso : iso.replace('T', ' ');
      case TIMESTAMPTZ:
        return OffsetDateTime.ofInstant(
                java.time.Instant.ofEpochSecond(r.nextInt(2_000_000_000)),
                ZoneOffset.ofHoursMinutes(r.nextInt(25) - 12, 0))
            .toString();
      default:
        return "v" + i + random(r, TEXT_CHARS, 0, 12);
    }
  }

  private static String random(Random r, String chars, int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(chars.charAt(r.nextInt(chars.length())));
    }
    return s.toString();
  }

  private static void line(
      StringBuilder out, String[] fields, char d, boolean quoteAll, String newline) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append(d);
      }
      String f = fields[i];
      boolean quote =
          (quoteAll && !f.isEmpty())
              || f.indexOf(d) >= 0
              || f.indexOf('"') >= 0
              || f.indexOf('\n') >= 0
              || f.indexOf('\r') >= 0;
      out.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
    }
    out.append(newline);
  }

  private static int breaks(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n'))) {
        n++;
      }
    }
    return n;
  }
}
