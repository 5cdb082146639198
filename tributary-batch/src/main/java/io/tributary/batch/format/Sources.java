package io.tributary.batch.format;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens files as decompressed byte streams; detects compression and binary formats by magic. */
final class Sources {
  static final int BUFFER = 1 << 16;

  private Sources() {}

  /** A decompressed stream over a file and the counter of the file's (compressed) bytes read. */
  record Opened(InputStream in, CountingInputStream raw, Compression compression)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * Opens {@code file} decompressed per its magic bytes; {@code compression} as detected before, or
   * null to detect. The stream is buffered and supports mark/reset.
   */
  static Opened open(Path file, Compression compression) throws IOException {
    CountingInputStream raw = new CountingInputStream(Files.newInputStream(file));
    try {
      BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
      Compression c = compression != null ? compression : detect(peek(buffered, 4));
      InputStream in;
      switch (c) {
        case GZIP:
          in = new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
          break;
        case ZSTD:
          in = new BufferedInputStream(new ZstdInputStream(buffered), BUFFER);
          break;
        default:
          in = buffered;
      }
      return new Opened(in, raw, c);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Up to {@code n} leading bytes of a mark-supporting stream, left unread. */
  static byte[] peek(InputStream in, int n) throws IOException {
    in.mark(n);
    byte[] head = in.readNBytes(n);
    in.reset();
    return head;
  }

  static Compression detect(byte[] head) {
    if (startsWith(head, 0x1f, 0x8b)) {
      return Compression.GZIP;
    }
    if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)) {
      return Compression.ZSTD;
    }
    return Compression.NONE;
  }

  /** The name of an unsupported compression or archive format at the head of a file, or null. */
  static String unsupportedContainer(byte[] head) {
    if (startsWith(head, 'B', 'Z', 'h')) {
      return "bzip2-compressed";
    }
    if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0)) {
      return "xz-compressed";
    }
    if (startsWith(head, 'P', 'K', 3, 4) || startsWith(head, 'P', 'K', 5, 6)) {
      return "a zip archive (or an xlsx/docx document)";
    }
    if (startsWith(head, '7', 'z', 0xbc, 0xaf, 0x27, 0x1c)) {
      return "a 7z archive";
    }
    if (startsWith(head, 0x04, 0x22, 0x4d, 0x18)) {
      return "lz4-compressed";
    }
    if (startsWith(head, 0xff, 0x06, 0, 0, 's', 'N', 'a', 'P')) {
      return "snappy-compressed";
    }
    return null;
  }

  /** The name of a known binary format at the head of (decompressed) content, or null. */
  static String binaryFormat(byte[] head) {
    if (startsWith(head, 0x89, 'P', 'N', 'G')) {
      return "a PNG image";
    }
    if (startsWith(head, 0xff, 0xd8, 0xff)) {
      return "a JPEG image";
    }
    if (startsWith(head, 'G', 'I', 'F', '8')) {
      return "a GIF image";
    }
    if (startsWith(head, '%', 'P', 'D', 'F')) {
      return "a PDF document";
    }
    if (startsWith(head, 0x7f, 'E', 'L', 'F')) {
      return "an ELF executable";
    }
    if (startsWith(head, 'O', 'b', 'j', 1)) {
      return "an Avro container file (not supported yet)";
    }
    if (startsWith(head, 'O', 'R', 'C')) {
      return "an ORC file (not supported yet)";
    }
    if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0)) {
      return "an OLE2 document (xls/doc)";
    }
    if (startsWith(head, 'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f')) {
      return "an SQLite database";
    }
    return unsupportedContainer(head);
  }

  static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != (magic[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  /** Counts the bytes read through it (skips included). */
  static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      count += skipped;
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
