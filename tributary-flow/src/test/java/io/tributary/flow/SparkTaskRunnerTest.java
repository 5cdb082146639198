package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.TableId;
import io.tributary.lake.RowLoad;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTaskRunnerTest {
  @TempDir Path dir;

  private TaskAction.Spark action() {
    return new TaskAction.Spark(
        "SELECT 1 AS x",
        TableId.parse("transformed.x"),
        RowLoad.Mode.APPEND,
        List.of(),
        Optional.empty());
  }

  private SparkTaskRunner runner(Path... folders) {
    return new SparkTaskRunner(
        new SparkTaskRunner.Settings(
            List.of(folders),
            () -> URI.create("http://127.0.0.1:1/iceberg"),
            flow -> Optional.empty(),
            "512m"));
  }

  private static TaskContext context() {
    return new TaskContext("f", "r", "t", 1, Map.of(), line -> {});
  }

  @Test
  void withoutSparkTheTaskFailsForGoodNamingWhatIsMissing() {
    Path jars = dir.resolve("spark/jars");

    assertThatThrownBy(() -> runner(jars).run(action(), context()))
        .isInstanceOfSatisfying(
            TaskFailedException.class, e -> assertThat(e.isRetriable()).isFalse())
        .hasMessage(
            "Spark is not installed: missing Apache Spark 4.1 for Scala 2.13"
                + " (spark-sql_2.13-4.1.*.jar and its jars) and the Iceberg Spark runtime"
                + " (iceberg-spark-runtime-4.1_2.13-1.12.*.jar) in ["
                + jars
                + "] (put Spark's jars folder there, or set SPARK_HOME)");
  }

  @Test
  void theIcebergRuntimeMayComeFromAnotherFolder() throws Exception {
    Path spark = Files.createDirectories(dir.resolve("spark"));
    Path extra = Files.createDirectories(dir.resolve("extra"));
    Files.createFile(spark.resolve("spark-sql_2.13-4.1.1.jar"));
    Files.createFile(spark.resolve("spark-core_2.13-4.1.1.jar"));

    assertThatThrownBy(() -> runner(spark, extra).sparkJars())
        .hasMessageContaining("missing the Iceberg Spark runtime");

    Files.createFile(extra.resolve("iceberg-spark-runtime-4.1_2.13-1.12.0.jar"));
    assertThat(runner(spark, extra).sparkJars())
        .containsExactly(
            spark.resolve("spark-core_2.13-4.1.1.jar"),
            spark.resolve("spark-sql_2.13-4.1.1.jar"),
            extra.resolve("iceberg-spark-runtime-4.1_2.13-1.12.0.jar"));
  }
}
