package io.tributary.lake;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/** A {@link FileIO} over the local file system; takes plain paths and {@code file:} URIs. */
final class LocalFileIO implements FileIO {
  private static final long serialVersionUID = 1L;

  @Override
  public InputFile newInputFile(String location) {
    return org.apache.iceberg.Files.localInput(toFile(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    File file = toFile(location);
    try { // here, not in Iceberg's create(): writers creating one directory at once must both win
      Files.createDirectories(file.toPath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the directory of " + location, e);
    }
    return org.apache.iceberg.Files.localOutput(file);
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(toFile(location).toPath());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + location, e);
    }
  }

  static File toFile(String location) {
    String path = location;
    if (path.startsWith("file://")) {
      path = path.substring("file://".length());
    } else if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    return new File(path);
  }
}
