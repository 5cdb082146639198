package io.tributary.lake;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * A {@link FileIO} over the local file system; takes plain paths and {@code file:} URIs. Files keep
 * the location they were asked for (with its scheme), so metadata written through the REST catalog
 * records the locations clients chose.
 */
final class LocalFileIO implements FileIO {
  private static final long serialVersionUID = 1L;

  @Override
  public InputFile newInputFile(String location) {
    return new LocalInput(location, toFile(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    File file = toFile(location);
    try { // here, not in Iceberg's create(): writers creating one directory at once must both win
      Files.createDirectories(file.toPath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the directory of " + location, e);
    }
    return new LocalOutput(location, file);
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

  private record LocalInput(String location, File file) implements InputFile {
    @Override
    public long getLength() {
      requireExists();
      return file.length();
    }

    @Override
    public SeekableInputStream newStream() {
      requireExists();
      return org.apache.iceberg.Files.localInput(file).newStream();
    }

    @Override
    public boolean exists() {
      return file.exists();
    }

    private void requireExists() {
      if (!file.exists()) {
        // the wording of Iceberg's Hadoop and cloud FileIOs, which clients match on
        throw new NotFoundException("Failed to open input stream for file: %s", location);
      }
    }
  }

  private record LocalOutput(String location, File file) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      return org.apache.iceberg.Files.localOutput(file).create();
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return org.apache.iceberg.Files.localOutput(file).createOrOverwrite();
    }

    @Override
    public InputFile toInputFile() {
      return new LocalInput(location, file);
    }
  }
}
