package io.tributary.pgwire;

import java.io.File;
import org.apache.iceberg.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/** A Hadoop-free {@link FileIO} over local files, for test catalogs. */
public final class LocalFileIO implements FileIO {
  @Override
  public InputFile newInputFile(String path) {
    return Files.localInput(local(path));
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return Files.localOutput(local(path));
  }

  @Override
  public void deleteFile(String path) {
    if (!local(path).delete()) {
      throw new IllegalStateException("Cannot delete " + path);
    }
  }

  private static File local(String path) {
    return new File(path.replaceFirst("^file:(//)?", ""));
  }
}
