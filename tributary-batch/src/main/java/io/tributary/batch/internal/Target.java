package io.tributary.batch.internal;

import io.tributary.core.TableId;
import io.tributary.lake.TableWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;

/** A table of one prefix and the files of this run assigned to it. */
final class Target {
  final TableId id;
  final TableWriter writer;
  Table table;
  Schema schema;
  final List<Candidate> files = new ArrayList<>();
  final Set<String> formats = new LinkedHashSet<>();

  Target(TableWriter writer, Table table, Schema schema) {
    this.id = writer.id();
    this.writer = writer;
    this.table = table;
    this.schema = schema;
  }
}
