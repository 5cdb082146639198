package io.tributary.query;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans kept across queries never hide a change: each query sees the newest snapshot, a changed
 * schema, a dropped table, and a table created again under the same name.
 */
class PlanCacheIT {
  private static final Schema ROWS =
      new Schema(
          optional(1, "id", Types.LongType.get()), optional(2, "name", Types.StringType.get()));

  private TestLake lake;
  private QueryEngine engine;

  @BeforeEach
  void setUp(@TempDir Path dir) {
    lake = new TestLake(dir, "raw");
    engine =
        new QueryEngine(
            lake.catalog(),
            lake.directory(),
            new TributaryConfig.Query(1, 64L << 20, 100, Duration.ofSeconds(20)));
  }

  @AfterEach
  void tearDown() throws Exception {
    engine.close();
    lake.close();
  }

  @Test
  void eachQuerySeesTheNewestSnapshotAndSchema() {
    Table table = lake.create("raw", "kept", ROWS);
    lake.append(table, List.of(List.of(1L, "a")));
    assertThat(count("raw.kept")).isEqualTo(1);
    assertThat(count("raw.kept")).isEqualTo(1); // planned once, read twice

    lake.append(lake.load("raw", "kept"), List.of(List.of(2L, "b"), List.of(3L, "c")));
    assertThat(count("raw.kept")).isEqualTo(3);

    lake.load("raw", "kept").updateSchema().addColumn("score", Types.IntegerType.get()).commit();
    assertThat(engine.execute("SELECT id, score FROM raw.kept ORDER BY id").rows())
        .containsExactly(Arrays.asList(1L, null), Arrays.asList(2L, null), Arrays.asList(3L, null));
    lake.append(lake.load("raw", "kept"), List.of(Arrays.asList(4L, "d", 7)));
    assertThat(engine.execute("SELECT id, score FROM raw.kept WHERE score IS NOT NULL").rows())
        .containsExactly(List.of(4L, 7));
  }

  @Test
  void aDroppedTableIsGoneAndARecreatedOneIsReadAfresh() {
    lake.append(lake.create("raw", "again", ROWS), List.of(List.of(1L, "old")));
    assertThat(engine.execute("SELECT name FROM raw.again").rows()).containsExactly(List.of("old"));

    lake.catalog().dropTable(TableIdentifier.of("raw", "again"), true);
    assertThatThrownBy(() -> engine.execute("SELECT name FROM raw.again"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("again");

    lake.append(lake.create("raw", "again", ROWS), List.of(List.of(2L, "new")));
    assertThat(engine.execute("SELECT name FROM raw.again").rows()).containsExactly(List.of("new"));
  }

  private long count(String table) {
    return (Long) engine.execute("SELECT count(*) FROM " + table).rows().get(0).get(0);
  }
}
