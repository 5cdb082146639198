package io.tributary.lake;

import java.util.List;
import java.util.Objects;
import org.apache.iceberg.DataFile;

/**
 * Data files a {@link TableSink} wrote and has not committed yet: commit them with {@link
 * TableSink#commit} or delete them with {@link TableSink#discard}.
 */
public final class WrittenFiles {
  private final List<DataFile> files;
  private final int rows;

  WrittenFiles(List<DataFile> files, int rows) {
    this.files = List.copyOf(Objects.requireNonNull(files, "files is null"));
    this.rows = rows;
  }

  List<DataFile> files() {
    return files;
  }

  /** How many rows the files hold. */
  public int rows() {
    return rows;
  }

  /** How many files. */
  public int fileCount() {
    return files.size();
  }

  /** Their total size. */
  public long bytes() {
    return files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
  }
}
