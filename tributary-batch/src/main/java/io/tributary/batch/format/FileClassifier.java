package io.tributary.batch.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/** Classifies files: format, compression, CSV dialect and inferred schema, by a bounded sample. */
public final class FileClassifier {
  private final SampleLimits limits;

  public FileClassifier(SampleLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits is null");
  }

  /**
   * Classifies {@code file}. Never guesses: a file that is not clearly one of the formats is {@link
   * Format#UNKNOWN} with a reason.
   *
   * @throws IOException if the file cannot be read at all (missing, permission)
   */
  public Classification classify(Path file) throws IOException {
    Objects.requireNonNull(file, "file is null");
    throw new UnsupportedOperationException("not yet");
  }
}
