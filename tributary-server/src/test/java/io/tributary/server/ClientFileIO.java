package io.tributary.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * The file access of an engine on the same machine, for Iceberg's REST client in tests ({@code
 * io-impl}); Spark or PyIceberg bring their own (Hadoop's local file system, pyarrow). Hadoop's
 * FileIO needs more of Hadoop than the server's trimmed classpath has.
 */
public final class ClientFileIO implements FileIO {
  private static final long serialVersionUID = 1L;

  @Override
  public InputFile newInputFile(String location) {
    return org.apache.iceberg.Files.localInput(file(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return org.apache.iceberg.Files.localOutput(file(location));
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(file(location).toPath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static File file(String location) {
    return new File(location.replaceFirst("^file:(//)?", ""));
  }
}
