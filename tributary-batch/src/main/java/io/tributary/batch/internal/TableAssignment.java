package io.tributary.batch.internal;

import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.Lake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Table;

/**
 * Places the classified files of one prefix in its tables ({@code <base>}, {@code <base>_2}, ...):
 * a changed file stays in its table; otherwise the first table of a compatible schema; otherwise a
 * new table (table-per-schema) or a rejection (combine-compatible, or too many tables). Files going
 * to a table that does not exist yet merge their schemas into its first schema.
 */
final class TableAssignment {
  /** The most tables one prefix may spread over. */
  static final int MAX_FAMILY = 20;

  private final Lake lake;
  private final CrawlerSpec spec;

  TableAssignment(Lake lake, CrawlerSpec spec) {
    this.lake = lake;
    this.spec = spec;
  }

  /** The existing tables of a prefix: {@code <base>}, {@code <base>_2}, ... */
  List<TableId> family(String base) {
    List<TableId> ids = new ArrayList<>();
    for (int n = 1; n <= MAX_FAMILY; n++) {
      TableId id = new TableId(spec.namespace(), n == 1 ? base : base + "_" + n);
      if (lake.loadTable(id).isPresent()) {
        ids.add(id);
      } else if (n > 1) {
        break;
      }
    }
    return ids;
  }

  /**
   * The tables the candidates go to, each with its files; a candidate that fits none gets its
   * {@code rejected} reason. Candidates already rejected are left out.
   */
  List<Target> assign(String base, List<Candidate> candidates, Map<String, Ledger.Row> known) {
    List<Target> targets = new ArrayList<>();
    for (TableId id : family(base)) {
      Table table = lake.loadTable(id).orElseThrow();
      targets.add(new Target(lake.writer(id), table, table.schema()));
    }
    for (Candidate candidate : candidates) {
      if (candidate.rejected != null) {
        continue;
      }
      Target target = targetOf(base, candidate, targets, known);
      if (target != null) {
        target.files.add(candidate);
        target.formats.add(candidate.format());
      }
    }
    return targets;
  }

  private Target targetOf(
      String base, Candidate candidate, List<Target> targets, Map<String, Ledger.Row> known) {
    Set<String> partitionColumns = candidate.source.place().partitions().keySet();
    Target target = null;
    if (candidate.changed) {
      String old = known.get(candidate.source.key()).table();
      target = targets.stream().filter(t -> t.id.toString().equals(old)).findFirst().orElse(null);
    }
    if (target == null) {
      for (Target t : targets) {
        if (Schemas.compatible(t.schema, candidate.schema, partitionColumns)) {
          target = t;
          break;
        }
      }
    }
    if (target == null) {
      boolean split = spec.grouping() == CrawlerSpec.Grouping.TABLE_PER_SCHEMA;
      if (!targets.isEmpty() && (!split || targets.size() >= MAX_FAMILY)) {
        Target first = targets.get(0);
        candidate.rejected =
            "schema "
                + Schemas.columnNames(candidate.schema)
                + " does not match table "
                + first.id
                + " "
                + Schemas.columnNames(first.schema)
                + " (fewer than half of the columns in common; grouping: "
                + (split
                    ? "table-per-schema allows " + MAX_FAMILY + " tables"
                    : "combine-compatible")
                + ")";
        return null;
      }
      String name = targets.isEmpty() ? base : base + "_" + (targets.size() + 1);
      target = new Target(lake.writer(new TableId(spec.namespace(), name)), null, candidate.schema);
      targets.add(target);
    } else if (target.table == null) {
      try {
        target.schema = Schemas.merge(target.schema, candidate.schema);
      } catch (RuntimeException e) {
        candidate.rejected =
            "cannot merge schema "
                + candidate.schema.asStruct()
                + " into table "
                + target.id
                + ": "
                + e.getMessage();
        return null;
      }
    }
    return target;
  }
}
