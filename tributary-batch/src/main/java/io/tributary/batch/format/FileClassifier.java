package io.tributary.batch.format;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;

/**
 * Classifies files: format, compression, CSV dialect and inferred schema, by a bounded sample.
 *
 * <p>Order of decisions: compression by magic bytes (gzip, zstd; bzip2, xz, zip... are UNKNOWN);
 * Parquet by its {@code PAR1} magic (only uncompressed: Parquet compresses internally); known
 * binary formats (images, PDF, executables...) and content with NUL bytes or more than 1% control
 * characters are UNKNOWN; text whose first non-blank character is {@code {} or {@code [} must be
 * JSON (lines or array) or it is UNKNOWN; other text is CSV if a delimiter splits it consistently
 * ({@link CsvSniffer}), else UNKNOWN. Never guesses: a file that is not clearly one of the formats
 * is UNKNOWN with a reason. Thread-safe.
 */
public final class FileClassifier {
  static final JsonFactory JSON = JsonFactory.builder().build();

  private final SampleLimits limits;

  public FileClassifier(SampleLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits is null");
  }

  /** The sampling limits. */
  public SampleLimits limits() {
    return limits;
  }

  /**
   * Classifies {@code file}.
   *
   * @throws IOException if the file cannot be opened (missing, permission); a corrupt compressed
   *     stream is UNKNOWN, not an exception
   */
  public Classification classify(Path file) throws IOException {
    Objects.requireNonNull(file, "file is null");
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(16);
    }
    Compression compression = Sources.detect(head);
    if (compression == Compression.NONE) {
      String container = Sources.unsupportedContainer(head);
      if (container != null) {
        return Classification.unknown(compression, "the file is " + container + ": not supported");
      }
      if (Sources.startsWith(head, 'P', 'A', 'R', '1')) {
        return classifyParquet(file);
      }
    }
    Sample sample;
    try (Sources.Opened opened = Sources.open(file, compression)) {
      sample = Sample.read(opened.in(), limits.maxBytes());
    } catch (IOException e) {
      return Classification.unknown(
          compression, "corrupt " + compression.name().toLowerCase() + " data: " + e.getMessage());
    }
    return classifyText(sample, compression);
  }

  private Classification classifyText(Sample sample, Compression compression) {
    byte[] b = sample.bytes;
    int n = sample.length;
    if (compression != Compression.NONE && Sources.startsWith(b, 'P', 'A', 'R', '1')) {
      return Classification.unknown(
          compression,
          "a compressed Parquet file: Parquet compresses internally, store it uncompressed");
    }
    String binary = Sources.binaryFormat(b.length > 16 ? Arrays.copyOf(b, 16) : b);
    if (binary != null) {
      return Classification.unknown(compression, "the file is " + binary + ": not a data format");
    }
    Charset charset = StandardCharsets.UTF_8;
    int bom = 0;
    if (Sources.startsWith(b, 0xef, 0xbb, 0xbf)) {
      bom = 3;
    } else if (Sources.startsWith(b, 0xff, 0xfe)) {
      charset = StandardCharsets.UTF_16LE;
      bom = 2;
    } else if (Sources.startsWith(b, 0xfe, 0xff)) {
      charset = StandardCharsets.UTF_16BE;
      bom = 2;
    }
    if (n - bom <= 0) {
      return Classification.unknown(compression, "the file is empty");
    }
    if (bom != 2) {
      for (int i = 0; i < n; i++) {
        if (b[i] == 0) {
          return Classification.unknown(compression, "binary content (NUL bytes)");
        }
      }
    }
    String text = decode(b, bom, n, charset, sample.eof);
    if (text == null) {
      charset = windows1252();
      text = decode(b, bom, n, charset, sample.eof);
    }
    if (text == null) {
      return Classification.unknown(compression, "text in no supported encoding");
    }
    int controls = 0;
    int first = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
        controls++;
      }
      if (first < 0 && !Character.isWhitespace(c)) {
        first = i;
      }
    }
    if (controls > text.length() / 100) {
      return Classification.unknown(
          compression, "binary content (" + controls + " control characters in the sample)");
    }
    if (first < 0) {
      return Classification.unknown(compression, "the file is empty (only blanks)");
    }
    char c = text.charAt(first);
    if (c == '{' || c == '[') {
      if (!charset.equals(StandardCharsets.UTF_8)) {
        return Classification.unknown(compression, "JSON must be UTF-8, the file is " + charset);
      }
      return c == '{'
          ? JsonSampler.jsonLines(text, sample.eof, limits, compression)
          : JsonSampler.jsonArray(text, sample.eof, limits, compression);
    }
    return CsvSniffer.classify(text, sample.eof, charset, bom > 0, limits, compression);
  }

  private static Charset windows1252() {
    try {
      return Charset.forName("windows-1252");
    } catch (IllegalArgumentException e) {
      return StandardCharsets.ISO_8859_1;
    }
  }

  /**
   * {@code b[from, n)} strictly decoded, or null if it is not valid in {@code charset}. A sample
   * cut mid-character (not at the end of the file) loses its incomplete last character.
   */
  static String decode(byte[] b, int from, int n, Charset charset, boolean eof) {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, from, n - from);
    CharBuffer out =
        CharBuffer.allocate((int) ((n - from) * (double) decoder.maxCharsPerByte()) + 4);
    var result = decoder.decode(in, out, true);
    if (result.isError()) {
      if (!eof && result.isMalformed() && in.remaining() < 4) {
        out.flip();
        return out.toString(); // cut mid-character by the sample limit
      }
      return null;
    }
    try {
      var flush = decoder.flush(out);
      if (flush.isError()) {
        return null;
      }
    } catch (IllegalStateException e) {
      return null;
    }
    out.flip();
    return out.toString();
  }

  private static Classification classifyParquet(Path file) {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      ParquetMetadata footer = reader.getFooter();
      Schema fileSchema = ParquetFormat.fileSchema(footer.getFileMetaData().getSchema());
      Types.StructType normalised = ParquetFormat.normalise(fileSchema.asStruct());
      return new Classification(
          Format.PARQUET,
          Compression.NONE,
          null,
          Schemas.fresh(normalised),
          reader.getRecordCount(),
          null);
    } catch (IOException | RuntimeException e) {
      return Classification.unknown(Compression.NONE, "unreadable Parquet file: " + e.getMessage());
    }
  }

  /** The first bytes of a (decompressed) stream, up to a limit. */
  static final class Sample {
    final byte[] bytes;
    final int length;
    final boolean eof;

    private Sample(byte[] bytes, int length, boolean eof) {
      this.bytes = bytes;
      this.length = length;
      this.eof = eof;
    }

    static Sample read(InputStream in, long maxBytes) throws IOException {
      int max = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
      byte[] b = in.readNBytes(max);
      boolean eof = b.length < max || in.read() < 0;
      return new Sample(b, b.length, eof);
    }
  }
}
