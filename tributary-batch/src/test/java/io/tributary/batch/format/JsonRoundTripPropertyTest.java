package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
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
import org.apache.iceberg.types.Type;

/**
 * Seeded property test: random sparse, nested JSON records rendered as JSON lines or arrays
 * (compact or pretty, BOM, compression) classify to the expected types and read back.
 */
class JsonRoundTripPropertyTest {
  enum Kind {
    INT("int"),
    LONG("long"),
    DECIMAL("decimal(18, 2)"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    DATE("date"),
    TIMESTAMP("timestamp"),
    TIMESTAMPTZ("timestamptz"),
    STRING("string"),
    STRUCT("struct<"),
    LIST("list<long>");

    final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final Path dir;

  JsonRoundTripPropertyTest() throws IOException {
    dir = Files.createTempDirectory("json-prop");
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
  void renderedRecordsClassifyAndReadBack(@ForAll long seed) throws IOException {
    Random r = new Random(seed);
    int keys = 1 + r.nextInt(7);
    int rows = 1 + r.nextInt(40);
    boolean lines = r.nextBoolean();
    boolean pretty = !lines && r.nextBoolean();
    boolean bom = r.nextInt(4) == 0;
    Compression compression = Compression.values()[r.nextInt(3)];
    Kind[] kinds = new Kind[keys];
    String[] names = new String[keys];
    for (int k = 0; k < keys; k++) {
      kinds[k] = Kind.values()[r.nextInt(Kind.values().length)];
      names[k] = "Key " + k + (r.nextBoolean() ? "-X" : "");
    }
    List<ObjectNode> records = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      ObjectNode o = NODES.objectNode();
      for (int k = 0; k < keys; k++) {
        boolean present = i == rows - 1 || r.nextInt(3) != 0; // sparse; the last has every key
        if (present) {
          if (r.nextInt(8) == 0 && i != rows - 1) {
            o.putNull(names[k]);
          } else {
            o.set(names[k], value(kinds[k], r));
          }
        }
      }
      records.add(o);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (bom) {
      out.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
    }
    if (lines) {
      for (ObjectNode o : records) {
        out.write(JSON.writeValueAsBytes(o));
        out.write('\n');
      }
    } else {
      ArrayNode array = NODES.arrayNode().addAll(records);
      out.write(
          pretty
              ? JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(array)
              : JSON.writeValueAsBytes(array));
    }
    Path file = dir.resolve("t" + seed + ".json");
    Compressor.write(file, out.toByteArray(), compression);

    Classification c = new FileClassifier(SampleLimits.DEFAULT).classify(file);

    assertThat(c.format()).as(c.reason()).isEqualTo(lines ? Format.JSON_LINES : Format.JSON_ARRAY);
    assertThat(c.compression()).isEqualTo(compression);
    assertThat(c.sampledRecords()).isEqualTo(rows);
    for (int k = 0; k < keys; k++) {
      Type t = c.schema().findType(Names.normalize(names[k]));
      assertThat(t).as(names[k]).isNotNull();
      assertThat(t.toString()).as(names[k]).startsWith(kinds[k].type);
    }

    List<SourceRow> read = TestFiles.readAll(file, c);
    assertThat(read).hasSize(rows);
    for (int i = 0; i < rows; i++) {
      assertThat(read.get(i).rejectReason()).isNull();
      assertThat(read.get(i).line()).isEqualTo(i + 1);
      Record rec = read.get(i).record();
      for (int k = 0; k < keys; k++) {
        Object actual = rec.getField(Names.normalize(names[k]));
        assertValue(actual, records.get(i).get(names[k]), kinds[k]);
      }
    }
  }

  private static void assertValue(
      Object actual, com.fasterxml.jackson.databind.JsonNode v, Kind kind) {
    if (v == null || v.isNull()) {
      assertThat(actual).isNull();
      return;
    }
    switch (kind) {
      case INT:
        assertThat(actual).isEqualTo(v.intValue());
        break;
      case LONG:
        assertThat(actual).isEqualTo(v.longValue());
        break;
      case DECIMAL:
        assertThat(actual).isEqualTo(v.decimalValue());
        break;
      case DOUBLE:
        assertThat(actual).isEqualTo(v.doubleValue());
        break;
      case BOOLEAN:
        assertThat(actual).isEqualTo(v.booleanValue());
        break;
      case DATE:
        assertThat(actual).isEqualTo(LocalDate.parse(v.textValue()));
        break;
      case TIMESTAMP:
        assertThat(actual).isEqualTo(LocalDateTime.parse(v.textValue()));
        break;
      case TIMESTAMPTZ:
        assertThat(((OffsetDateTime) actual).toInstant())
            .isEqualTo(OffsetDateTime.parse(v.textValue()).toInstant());
        break;
      case STRUCT:
        Record nested = (Record) actual;
        assertThat(nested.getField("n")).isEqualTo(v.get("n").longValue());
        assertThat(nested.getField("label")).isEqualTo(v.get("Label").textValue());
        break;
      case LIST:
        List<Long> expected = new ArrayList<>();
        v.forEach(e -> expected.add(e.longValue()));
        assertThat(actual).isEqualTo(expected);
        break;
      default:
        assertThat(actual).isEqualTo(v.textValue());
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode value(Kind kind, Random r) {
    switch (kind) {
      case INT:
        return NODES.numberNode(r.nextInt());
      case LONG:
        return NODES.numberNode(3_000_000_000L + r.nextInt(1_000_000));
      case DECIMAL:
        return DecimalNode.valueOf(BigDecimal.valueOf(r.nextInt(1_000_000) - 500_000, 2));
      case DOUBLE:
        return NODES.numberNode(r.nextDouble() * 1e20 + 1e17); // printed with an exponent
      case BOOLEAN:
        return NODES.booleanNode(r.nextBoolean());
      case DATE:
        return NODES.textNode(LocalDate.ofEpochDay(r.nextInt(40_000)).toString());
      case TIMESTAMP:
        return NODES.textNode(
            LocalDateTime.ofEpochSecond(r.nextInt(2_000_000_000), 0, ZoneOffset.UTC).toString()
                + ":00".substring(0, 0));
      case TIMESTAMPTZ:
        return NODES.textNode(
            OffsetDateTime.ofInstant(
                    java.time.Instant.ofEpochSecond(r.nextInt(2_000_000_000)),
                    ZoneOffset.ofHours(r.nextInt(19) - 9))
                .toString());
      case STRUCT:
        ObjectNode o = NODES.objectNode();
        o.put("n", 3_000_000_000L + r.nextInt(100));
        o.put("Label", "x" + r.nextInt(100));
        return o;
      case LIST:
        ArrayNode a = NODES.arrayNode();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(3_000_000_000L + r.nextInt(100));
        }
        if (n == 0) {
          a.add(3_000_000_000L);
        }
        return a;
      default:
        return NODES.textNode("text " + r.nextInt(1000) + " \"q\" é\n");
    }
  }
}
