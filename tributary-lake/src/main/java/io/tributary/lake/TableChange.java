package io.tributary.lake;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.expressions.Expression;

/**
 * One commit a {@link TableWriter} makes: which files it adds and removes, and the snapshot summary
 * properties it records with them (delivery's offsets, the crawler's file ledger, a flow run's
 * lineage). Each kind maps to one Iceberg operation.
 */
public sealed interface TableChange {
  /** Properties recorded in the new snapshot's summary. */
  Map<String, String> summary();

  /** The data files the change adds (deleted if the commit fails for sure). */
  List<DataFile> added();

  /** A name for messages: {@code append}, {@code overwrite}, ... */
  String describe();

  /** Appends files ({@code AppendFiles}); with none, an empty snapshot carrying the summary. */
  static TableChange append(List<DataFile> files, Map<String, String> summary) {
    return new Append(files, summary, Optional.empty());
  }

  /**
   * Appends files as {@link #append} does, only if {@code expected} still holds on the table the
   * commit applies to (else the commit fails with {@link CommitConflictException}).
   */
  static TableChange appendIf(
      List<DataFile> files, Map<String, String> summary, SummaryExpectation expected) {
    return new Append(files, summary, Optional.of(expected));
  }

  /**
   * Deletes the rows matching {@code filter} and adds files, atomically ({@code OverwriteFiles}).
   */
  static TableChange overwrite(
      Expression filter, List<DataFile> files, Map<String, String> summary) {
    return new Overwrite(filter, files, summary);
  }

  /** Replaces every partition the files hold ({@code ReplacePartitions}). */
  static TableChange replacePartitions(List<DataFile> files, Map<String, String> summary) {
    return new ReplacePartitions(files, summary);
  }

  /**
   * Removes the data files at {@code removed} (those in the current snapshot) and adds {@code
   * files}, changing the data ({@code OverwriteFiles}): a source file loaded again.
   */
  static TableChange replaceFiles(
      Set<String> removed, List<DataFile> files, Map<String, String> summary) {
    return new ReplaceFiles(removed, files, summary);
  }

  /**
   * Rewrites {@code removed} into {@code files} holding the same rows ({@code RewriteFiles}),
   * validated from {@code fromSnapshot}: a compaction.
   */
  static TableChange rewrite(
      List<DataFile> removed,
      List<DataFile> files,
      long fromSnapshot,
      Map<String, String> summary) {
    return new Rewrite(removed, files, fromSnapshot, summary, Optional.empty());
  }

  /**
   * Rewrites files as {@link #rewrite} does, only if {@code expected} still holds on the table the
   * commit applies to (else the commit fails with {@link CommitConflictException}).
   */
  static TableChange rewriteIf(
      List<DataFile> removed,
      List<DataFile> files,
      long fromSnapshot,
      Map<String, String> summary,
      SummaryExpectation expected) {
    return new Rewrite(removed, files, fromSnapshot, summary, Optional.of(expected));
  }

  /** Removes the data files at {@code removed} ({@code DeleteFiles}). */
  static TableChange deleteFiles(Set<String> removed, Map<String, String> summary) {
    return new DeleteFiles(removed, summary);
  }

  /** See {@link TableChange#append}. */
  record Append(
      List<DataFile> added, Map<String, String> summary, Optional<SummaryExpectation> expected)
      implements TableChange {
    public Append {
      added = List.copyOf(added);
      summary = Map.copyOf(summary);
      Objects.requireNonNull(expected, "expected is null");
    }

    @Override
    public String describe() {
      return "append";
    }
  }

  /** See {@link TableChange#overwrite}. */
  record Overwrite(Expression filter, List<DataFile> added, Map<String, String> summary)
      implements TableChange {
    public Overwrite {
      Objects.requireNonNull(filter, "filter is null");
      added = List.copyOf(added);
      summary = Map.copyOf(summary);
    }

    @Override
    public String describe() {
      return "overwrite";
    }
  }

  /** See {@link TableChange#replacePartitions}. */
  record ReplacePartitions(List<DataFile> added, Map<String, String> summary)
      implements TableChange {
    public ReplacePartitions {
      added = List.copyOf(added);
      summary = Map.copyOf(summary);
    }

    @Override
    public String describe() {
      return "partition replacement";
    }
  }

  /** See {@link TableChange#replaceFiles}. */
  record ReplaceFiles(Set<String> removed, List<DataFile> added, Map<String, String> summary)
      implements TableChange {
    public ReplaceFiles {
      removed = Set.copyOf(removed);
      added = List.copyOf(added);
      summary = Map.copyOf(summary);
    }

    @Override
    public String describe() {
      return "file replacement";
    }
  }

  /** See {@link TableChange#rewrite}. */
  record Rewrite(
      List<DataFile> removed,
      List<DataFile> added,
      long fromSnapshot,
      Map<String, String> summary,
      Optional<SummaryExpectation> expected)
      implements TableChange {
    public Rewrite {
      removed = List.copyOf(removed);
      added = List.copyOf(added);
      summary = Map.copyOf(summary);
      Objects.requireNonNull(expected, "expected is null");
    }

    @Override
    public String describe() {
      return "compaction";
    }
  }

  /** See {@link TableChange#deleteFiles}. */
  record DeleteFiles(Set<String> removed, Map<String, String> summary) implements TableChange {
    public DeleteFiles {
      removed = Set.copyOf(removed);
      summary = Map.copyOf(summary);
    }

    @Override
    public List<DataFile> added() {
      return List.of();
    }

    @Override
    public String describe() {
      return "file deletion";
    }
  }
}
