package io.tributary.batch.format;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes test files with a chosen whole-file compression. */
final class Compressor {
  private Compressor() {}

  static void write(Path file, byte[] content, Compression compression) throws IOException {
    try (OutputStream out = open(file, compression)) {
      out.write(content);
    }
  }

  static OutputStream open(Path file, Compression compression) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    switch (compression) {
      case GZIP:
        return new GZIPOutputStream(raw, 1 << 16);
      case ZSTD:
        return new ZstdOutputStream(raw);
      default:
        return raw;
    }
  }
}
