package io.tributary.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.batch.internal.CrawlJob;
import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Seeded property test of issue 10: random nested JSON schemas drifting across several gzipped
 * JSON-lines files of one crawler source (fields added, missing, widened from int to double,
 * null-only, at any depth, structs in lists in structs) load into one table that holds every row
 * and every value.
 */
class NestedJsonDriftIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The reproduction of issue 10, item 1. */
  @Example
  void nestedObjectsWithAnExtraTopLevelKeyInTheSecondFile() throws IOException {
    List<List<ObjectNode>> files =
        List.of(
            List.of(
                parse(
                    "{\"id\":1,\"prefs\":{\"genres\":[\"jazz\",\"folk\"],\"notifications\":true},"
                        + "\"geo\":{\"country\":\"PT\",\"city\":\"Porto\"}}"),
                parse(
                    "{\"id\":2,\"prefs\":{\"genres\":[\"rock\"],\"notifications\":false},"
                        + "\"geo\":{\"country\":\"FR\",\"city\":\"Lyon\"}}")),
            List.of(
                parse(
                    "{\"id\":3,\"prefs\":{\"genres\":[\"pop\"],\"notifications\":true},"
                        + "\"geo\":{\"country\":\"ES\",\"city\":\"Vigo\"},\"signup\":\"web\"}")));
    crawlAndCheck(files);
  }

  @Property(tries = 10, seed = "20261204")
  void driftingNestedFilesLoadEveryRowAndValue(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    Shape.Obj universe = Shape.Obj.root(random);
    int fileCount = 2 + random.nextInt(3);
    List<List<ObjectNode>> files = new ArrayList<>();
    int id = 0;
    for (int f = 0; f < fileCount; f++) {
      Shape.Obj present = universe.sample(random, f, true);
      List<ObjectNode> rows = new ArrayList<>();
      int count = 1 + random.nextInt(5);
      for (int r = 0; r < count; r++) {
        ObjectNode row = present.value(random, f);
        row.put("id", ++id);
        rows.add(row);
      }
      files.add(rows);
    }
    crawlAndCheck(files);
  }

  // ---- the crawl ------------------------------------------------------------------------------

  private static void crawlAndCheck(List<List<ObjectNode>> files) throws IOException {
    Path dir = Files.createTempDirectory("nested-drift");
    Lake lake =
        Lake.open(
            new TributaryConfig.Catalog(
                "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")));
    Supplier<Connection> db =
        () -> {
          try {
            return lake.openMetadataConnection();
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    LandingZone landing = new LandingZone(dir.resolve("landing"), new RecordingLandingEvents());
    CrawlerRegistry registry = new CrawlerRegistry(db, Clock.systemUTC());
    try (Crawlers crawlers =
        new Crawlers(
            lake,
            landing,
            registry,
            db,
            Clock.systemUTC(),
            Crawlers.LOCAL_NODE,
            2,
            Crawlers.LoadPath.DUCKDB_WHEN_CLEAN,
            CrawlJob.CrashPoints.NONE)) {
      registry.put(
          TributaryConfig.fromYaml("crawlers:\n  - { name: users }", "test").crawlers().get(0));
      Map<Long, ObjectNode> expected = new HashMap<>();
      for (int f = 0; f < files.size(); f++) {
        writeGzipped(dir.resolve("landing/users/part-" + f + ".json.gz"), files.get(f));
        files.get(f).forEach(row -> expected.put(row.get("id").asLong(), row));
      }

      CrawlRun run = crawlers.run("users");

      assertThat(run.status()).as("run %s", run).isEqualTo(CrawlRun.Status.SUCCEEDED);
      assertThat(run.counts().filesLoaded()).as("run %s", run).isEqualTo(files.size());
      assertThat(run.counts().rowsRejected()).as("run %s", run).isZero();
      Table table = lake.loadTable(TableId.parse("raw.users")).orElseThrow();
      List<Record> rows = read(table);
      assertThat(rows).hasSize(expected.size());
      for (Record row : rows) {
        long id = ((Number) row.getField("id")).longValue();
        ObjectNode want = expected.get(id);
        assertThat(want).as("row id %s", id).isNotNull();
        assertMatches("row " + id, want, row);
      }
    } finally {
      landing.close();
      lake.close();
      deleteRecursively(dir);
    }
  }

  /**
   * Every field of {@code want} has its value in {@code got}; fields not in {@code want} are null.
   */
  private static void assertMatches(String where, JsonNode want, Object got) {
    if (want == null || want.isNull()) {
      assertThat(got).as(where).isNull();
    } else if (want.isObject()) {
      assertThat(got).as(where).isInstanceOf(Record.class);
      Record record = (Record) got;
      for (org.apache.iceberg.types.Types.NestedField field : record.struct().fields()) {
        assertMatches(
            where + "." + field.name(), want.get(field.name()), record.getField(field.name()));
      }
      Iterator<String> names = want.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        assertThat(record.struct().field(name)).as(where + "." + name + " exists").isNotNull();
      }
    } else if (want.isArray()) {
      assertThat(got).as(where).isInstanceOf(List.class);
      List<?> list = (List<?>) got;
      assertThat(list).as(where).hasSize(want.size());
      for (int i = 0; i < list.size(); i++) {
        assertMatches(where + "[" + i + "]", want.get(i), list.get(i));
      }
    } else {
      assertThat(got).as(where).isNotNull();
      assertThat(normalized(got))
          .as(where)
          .isEqualTo(normalized(want.isTextual() ? want.asText() : want.toString()));
    }
  }

  /** A scalar as text, numbers without trailing zeros (an int read back from a double column). */
  private static String normalized(Object value) {
    String text = value.toString();
    try {
      return new BigDecimal(text).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return text;
    }
  }

  // ---- random shapes with drift ---------------------------------------------------------------

  /** A JSON shape: a leaf kind, an object of named shapes or an array of one shape. */
  private sealed interface Shape {
    enum Kind {
      INT,
      DOUBLE,
      STRING,
      BOOLEAN,
      NULL_ONLY,
      /** int in even files, a double in odd ones: widened when the files merge */
      WIDENED
    }

    record Leaf(Kind kind) implements Shape {}

    record Arr(Shape element) implements Shape {}

    record Obj(Map<String, Shape> fields, boolean top) implements Shape {
      static Obj root(Random random) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        fields.put("id", new Leaf(Kind.INT));
        int count = 2 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
          fields.put("f" + i, shape(random, 0));
        }
        fields.put("added", shape(random, 1)); // only in some files, like signup
        return new Obj(fields, true);
      }

      /**
       * The fields file {@code file} has: every top-level one but {@code added} (in odd files
       * only), a random non-empty subset of each nested object's.
       */
      Obj sample(Random random, int file, boolean isTop) {
        Map<String, Shape> kept = new LinkedHashMap<>();
        fields.forEach(
            (name, shape) -> {
              boolean keep =
                  isTop ? !name.equals("added") || file % 2 == 1 : random.nextInt(10) < 7;
              if (keep) {
                kept.put(name, sampled(random, shape, file));
              }
            });
        if (kept.isEmpty()) {
          Map.Entry<String, Shape> first = fields.entrySet().iterator().next();
          kept.put(first.getKey(), sampled(random, first.getValue(), file));
        }
        return new Obj(kept, isTop);
      }

      private static Shape sampled(Random random, Shape shape, int file) {
        if (shape instanceof Obj obj) {
          return obj.sample(random, file, false);
        }
        if (shape instanceof Arr arr) {
          return new Arr(sampled(random, arr.element(), file));
        }
        return shape;
      }

      ObjectNode value(Random random, int file) {
        ObjectNode node = NODES.objectNode();
        fields.forEach((name, shape) -> node.set(name, Shape.value(random, shape, file)));
        return node;
      }
    }

    static Shape shape(Random random, int depth) {
      int pick = random.nextInt(depth >= 3 ? 6 : 9);
      if (pick < 6) {
        return new Leaf(Kind.values()[pick]);
      }
      if (pick < 8) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          fields.put("n" + depth + "_" + i, shape(random, depth + 1));
        }
        return new Obj(fields, false);
      }
      Shape element = shape(random, depth + 1);
      // lists of structs and of scalars; no list of lists
      return new Arr(element instanceof Arr ? new Leaf(Kind.STRING) : element);
    }

    static JsonNode value(Random random, Shape shape, int file) {
      if (shape instanceof Obj obj) {
        return obj.value(random, file);
      }
      if (shape instanceof Arr arr) {
        ArrayNode array = NODES.arrayNode();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          array.add(value(random, arr.element(), file));
        }
        return array;
      }
      Kind kind = ((Leaf) shape).kind();
      if (kind == Kind.NULL_ONLY || (arrayless(kind) && random.nextInt(10) == 0)) {
        return NODES.nullNode();
      }
      return switch (kind) {
        case INT -> NODES.numberNode(random.nextInt(2_000) - 1_000);
        case DOUBLE -> NODES.numberNode(random.nextInt(2_000) / 4.0 + 0.25);
        case STRING -> NODES.textNode(word(random));
        case BOOLEAN -> NODES.booleanNode(random.nextBoolean());
        case WIDENED ->
            file % 2 == 0
                ? NODES.numberNode(random.nextInt(100))
                : NODES.numberNode(random.nextInt(100) + 0.5);
        case NULL_ONLY -> NODES.nullNode();
      };
    }

    private static boolean arrayless(Kind kind) {
      return kind != Kind.NULL_ONLY;
    }

    private static String word(Random random) {
      StringBuilder word = new StringBuilder();
      int length = 1 + random.nextInt(8);
      for (int i = 0; i < length; i++) {
        word.append((char) ('a' + random.nextInt(26)));
      }
      return word.toString();
    }
  }

  // ---- files ----------------------------------------------------------------------------------

  private static ObjectNode parse(String json) throws IOException {
    return (ObjectNode) JSON.readTree(json);
  }

  private static void writeGzipped(Path file, List<ObjectNode> rows) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (ObjectNode row : rows) {
        out.write(JSON.writeValueAsString(row).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    }
  }

  private static List<Record> read(Table table) {
    table.refresh();
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> all = IcebergGenerics.read(table).build()) {
      all.forEach(records::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
