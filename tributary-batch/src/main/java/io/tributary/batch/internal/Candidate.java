package io.tributary.batch.internal;

import io.tributary.batch.format.Classification;
import java.util.Locale;
import org.apache.iceberg.Schema;

/** A new or changed file of one run, on its way to a table. Used by one thread at a time. */
final class Candidate {
  final SourceFile source;
  final boolean changed;
  Classification classification;
  Schema schema;
  String rejected;
  String note;
  boolean reported;

  Candidate(SourceFile source, boolean changed) {
    this.source = source;
    this.changed = changed;
  }

  /** The classified format, lower case, or null if not classified. */
  String format() {
    return classification == null || !classification.known()
        ? null
        : classification.format().name().toLowerCase(Locale.ROOT);
  }
}
