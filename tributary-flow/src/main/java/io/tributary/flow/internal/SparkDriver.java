package io.tributary.flow.internal;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The main class of a {@code spark} task's child process: opens a Spark session on the platform's
 * Iceberg REST catalog (as catalog {@code lake}, the default one), and writes the task's SELECT to
 * its target table through Iceberg: created by the first run ({@code CREATE TABLE ... AS SELECT}),
 * then appended to ({@code INSERT INTO}), replaced, or overwritten partition by partition ({@code
 * INSERT OVERWRITE} in dynamic mode). The lineage goes into the snapshot summary.
 *
 * <p>It reaches Spark by reflection, so that the platform compiles and runs without Spark; the
 * Spark jars are on the child's classpath only. Its one argument is a properties file written by
 * {@code SparkTaskRunner}.
 */
public final class SparkDriver {
  /** Keys of the properties file. */
  public static final String MASTER = "master";

  public static final String CATALOG_URI = "catalog-uri";

  /** The catalog's bearer token, when it needs one. */
  public static final String TOKEN = "catalog-token";

  public static final String SQL = "sql";
  public static final String TARGET = "target";
  public static final String MODE = "mode";
  public static final String PARTITION_BY = "partition-by";
  public static final String SUMMARY_PREFIX = "summary.";

  private SparkDriver() {}

  public static void main(String[] args) throws Exception {
    Properties task = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
      task.load(reader);
    }
    Object builder =
        Class.forName("org.apache.spark.sql.SparkSession").getMethod("builder").invoke(null);
    call(builder, "master", task.getProperty(MASTER));
    call(builder, "appName", "tributary " + task.getProperty(TARGET));
    Map<String, String> conf =
        new java.util.HashMap<>(
            Map.of(
                "spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog",
                "spark.sql.catalog.lake.type", "rest",
                "spark.sql.catalog.lake.uri", task.getProperty(CATALOG_URI),
                "spark.sql.defaultCatalog", "lake",
                "spark.sql.extensions",
                    "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
                "spark.sql.session.timeZone", "UTC",
                "spark.ui.enabled", "false",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.sql.sources.partitionOverwriteMode",
                    "overwrite-partitions".equals(task.getProperty(MODE)) ? "dynamic" : "static"));
    if (task.getProperty(TOKEN) != null) {
      conf.put("spark.sql.catalog.lake.token", task.getProperty(TOKEN));
    }
    for (Map.Entry<String, String> entry : conf.entrySet()) {
      builder
          .getClass()
          .getMethod("config", String.class, String.class)
          .invoke(builder, entry.getKey(), entry.getValue());
    }
    Object spark = call(builder, "getOrCreate");
    try {
      call(call(spark, "sparkContext"), "setLogLevel", "WARN");
      Map<String, String> summary = new java.util.LinkedHashMap<>();
      for (String key : task.stringPropertyNames()) {
        if (key.startsWith(SUMMARY_PREFIX)) {
          summary.put(key.substring(SUMMARY_PREFIX.length()), task.getProperty(key));
        }
      }
      String target = "lake." + task.getProperty(TARGET);
      String statement = statement(spark, task, target);
      System.out.println("Spark: " + statement.replaceAll("\\s+", " "));
      withSummary(summary, () -> call(spark, "sql", statement));
      Object last =
          call(
              spark,
              "sql",
              "SELECT snapshot_id, summary['added-records'], summary['total-records'] FROM "
                  + target
                  + ".snapshots ORDER BY committed_at DESC LIMIT 1");
      List<?> rows = (List<?>) call(last, "collectAsList");
      System.out.println("Spark committed (snapshot, added rows, total rows): " + rows);
    } finally {
      call(spark, "stop");
    }
  }

  private static String statement(Object spark, Properties task, String target) throws Exception {
    String select = task.getProperty(SQL);
    boolean exists;
    try {
      call(spark, "table", target);
      exists = true;
    } catch (InvocationTargetException e) {
      exists = false;
    }
    if (!exists) {
      String namespace = target.substring(0, target.lastIndexOf('.'));
      call(spark, "sql", "CREATE NAMESPACE IF NOT EXISTS " + namespace);
      String partitionBy = task.getProperty(PARTITION_BY, "");
      return "CREATE TABLE "
          + target
          + " USING iceberg"
          + (partitionBy.isEmpty() ? "" : " PARTITIONED BY (" + partitionBy + ")")
          + " TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd')"
          + " AS "
          + select;
    }
    return switch (task.getProperty(MODE)) {
      case "append" -> "INSERT INTO " + target + " " + select;
      default -> "INSERT OVERWRITE " + target + " " + select;
    };
  }

  /** Runs {@code write} with Iceberg's commit properties set to {@code summary}. */
  private static void withSummary(Map<String, String> summary, Callable<Object> write)
      throws Exception {
    Class<?> commitMetadata = Class.forName("org.apache.iceberg.spark.CommitMetadata");
    Method with =
        commitMetadata.getMethod("withCommitProperties", Map.class, Callable.class, Class.class);
    try {
      with.invoke(null, summary, write, Exception.class);
    } catch (InvocationTargetException e) {
      throw unwrap(e);
    }
  }

  private static Object call(Object target, String method, Object... args) throws Exception {
    Class<?>[] types = new Class<?>[args.length];
    for (int i = 0; i < args.length; i++) {
      types[i] = args[i].getClass();
    }
    Method found = target.getClass().getMethod(method, types);
    return found.invoke(target, args);
  }

  private static Exception unwrap(InvocationTargetException e) {
    Throwable cause = e.getCause();
    while (cause instanceof InvocationTargetException nested && nested.getCause() != null) {
      cause = nested.getCause();
    }
    return cause instanceof Exception exception ? exception : new IOException(cause);
  }
}
