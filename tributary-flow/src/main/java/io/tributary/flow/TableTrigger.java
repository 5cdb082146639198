package io.tributary.flow;

import java.util.Objects;

/**
 * A flow trigger on new committed data in {@code table}: it fires once the commits since it last
 * fired added at least {@code minRows} rows and {@code minFiles} data files (from the snapshot
 * summaries); with both 0, every new commit fires it.
 */
public record TableTrigger(io.tributary.core.TableId table, long minRows, int minFiles) {
  public TableTrigger {
    Objects.requireNonNull(table, "table is null");
    if (minRows < 0) {
      throw new IllegalArgumentException(
          "Invalid min-rows of the trigger on " + table + ": " + minRows + " (must be >= 0)");
    }
    if (minFiles < 0) {
      throw new IllegalArgumentException(
          "Invalid min-files of the trigger on " + table + ": " + minFiles + " (must be >= 0)");
    }
  }

  /** Whether new data of {@code rows} rows in {@code files} files fires this trigger. */
  public boolean firedBy(long rows, long files) {
    return rows >= minRows && files >= minFiles && (rows > 0 || files > 0);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(table.toString());
    if (minRows > 0) {
      text.append(" (min-rows ").append(minRows).append(')');
    }
    if (minFiles > 0) {
      text.append(" (min-files ").append(minFiles).append(')');
    }
    return text.toString();
  }
}
