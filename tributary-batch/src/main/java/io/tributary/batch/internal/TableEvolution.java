package io.tributary.batch.internal;

import io.tributary.batch.CrawlRun;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.SchemaChange;
import io.tributary.lake.SchemaChangeRejectedException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.NamedReference;
import org.apache.iceberg.expressions.Term;

/**
 * Makes a target table able to hold its files, through the lake's table writer: creates it
 * (partitioned by the files' folder partitions), or evolves its schema and partitioning by each
 * file's schema under the lake's evolution rules and the crawler's schema-change policy. A file
 * whose change the rules refuse is rejected with the reason.
 */
final class TableEvolution {
  private final CrawlerSpec spec;
  private final String sourceLocation;
  private final CrawlProgress progress;

  TableEvolution(CrawlerSpec spec, String sourceLocation, CrawlProgress progress) {
    this.spec = spec;
    this.sourceLocation = sourceLocation;
    this.progress = progress;
  }

  void prepare(Target target) {
    if (target.table == null) {
      create(target);
    } else {
      evolve(target);
    }
  }

  private void create(Target target) {
    Set<String> partitionColumns = new LinkedHashSet<>();
    target.files.forEach(c -> partitionColumns.addAll(c.source.place().partitions().keySet()));
    PartitionSpec.Builder partitionSpec = PartitionSpec.builderFor(target.schema);
    partitionColumns.forEach(partitionSpec::identity);
    try {
      target.table =
          target.writer.create(
              target.schema,
              partitionSpec.build(),
              Map.of(CrawlJob.CRAWLER, spec.name(), CrawlJob.SOURCE_LOCATION, sourceLocation));
    } catch (SchemaChangeRejectedException e) {
      for (Candidate candidate : target.files) {
        candidate.rejected = "cannot create table " + target.id + ": " + e.reason();
        progress.reject(candidate, target.id);
      }
      target.files.clear();
      return;
    }
    target.schema = target.table.schema();
    progress.created(target.id, "columns " + Schemas.columnNames(target.schema));
  }

  private void evolve(Target target) {
    Table table = target.table;
    boolean logOnly = spec.onSchemaChange() == CrawlerSpec.SchemaChangePolicy.LOG;
    List<String> changes = new ArrayList<>();
    for (Candidate candidate : target.files) {
      table.refresh();
      try {
        Schema adapted = Schemas.adapt(candidate.schema, table.schema());
        List<Term> newPartitions = missingPartitions(table, candidate);
        if (logOnly) {
          SchemaChange change = target.writer.planSchema(adapted);
          if (!change.isEmpty() || !newPartitions.isEmpty()) {
            candidate.note =
                "schema change not applied (on-schema-change: log): " + change.describe();
            changes.add(change.describe() + " (from " + candidate.source.relative() + ")");
          }
          continue;
        }
        SchemaChange change = target.writer.evolveSchema(adapted);
        if (!change.isEmpty()) {
          changes.add(change.describe());
        }
        List<Term> added =
            target.writer.evolveSpec(current -> missingPartitions(current, candidate));
        if (!added.isEmpty()) {
          changes.add("partitioned by " + names(added));
        }
      } catch (SchemaChangeRejectedException e) {
        candidate.rejected =
            "incompatible schema change for table " + target.id + ": " + e.reason();
      } catch (IllegalArgumentException e) {
        candidate.rejected =
            "incompatible partition change for table " + target.id + ": " + e.getMessage();
      }
    }
    table.refresh();
    if (!changes.isEmpty()) {
      if (logOnly) {
        progress.change(
            target.id, CrawlRun.TableAction.SCHEMA_CHANGE_LOGGED, String.join("; ", changes));
      } else {
        progress.updated(target.id, String.join("; ", changes));
      }
    }
    for (Candidate candidate : target.files) {
      if (candidate.rejected != null) {
        progress.reject(candidate, target.id);
      }
    }
    target.files.removeIf(c -> c.rejected != null);
    target.schema = table.schema();
  }

  /** The file's folder partitions the table is not partitioned by yet, as identity terms. */
  private static List<Term> missingPartitions(Table table, Candidate candidate) {
    Set<String> missing = new LinkedHashSet<>(candidate.source.place().partitions().keySet());
    table.spec().fields().forEach(f -> missing.remove(table.schema().findColumnName(f.sourceId())));
    List<Term> terms = new ArrayList<>();
    missing.forEach(column -> terms.add(Expressions.ref(column)));
    return terms;
  }

  private static List<String> names(List<Term> added) {
    return added.stream().map(term -> ((NamedReference<?>) term).name()).toList();
  }
}
