package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Seeded fuzzing: random bytes and mutated valid CSV/JSON never make the classifier or the readers
 * throw; the outcome is a clean UNKNOWN with a reason, or rows (some rejected with a reason).
 */
class GarbageFuzzTest {
  private static final String CSV =
      "id;name;price;day\n1;\"a;b\";12,50;2026-11-26\n2;\"x\"\"y\";3,75;26.11.2026\n3;z;;2026-11-27\n";
  private static final String JSON_LINES =
      "{\"id\":1,\"u\":{\"n\":\"a\",\"t\":[1,2]},\"p\":12.5}\n{\"id\":2,\"u\":null,\"p\":1e3}\n";
  private static final String JSON_ARRAY =
      "[{\"id\":1,\"p\":\"2026-11-26\"},{\"id\":2,\"q\":[true]}]";
  private static final String NOISE = "\"'{}[],;|\t\n\r\\:0123456789.eE-+ ab\u00e9\u0000\u00ff";

  private final Path dir;
  private final FileClassifier classifier = new FileClassifier(new SampleLimits(100, 4096));

  GarbageFuzzTest() throws IOException {
    dir = Files.createTempDirectory("fuzz");
  }

  @AfterProperty
  void cleanUp() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
  }

  @Property(seed = "20261126", tries = 150)
  void randomBytesAreUnknownOrReadCleanly(@ForAll @Size(max = 3000) byte[] bytes)
      throws IOException {
    Path file = dir.resolve("f.bin");
    Files.write(file, bytes);
    check(file, false);
  }

  @Property(seed = "20261126", tries = 200)
  void mutatedFilesAreUnknownOrReadCleanly(@ForAll long seed) throws IOException {
    Random r = new Random(seed);
    String base = new String[] {CSV, JSON_LINES, JSON_ARRAY}[r.nextInt(3)];
    StringBuilder s = new StringBuilder(base);
    int edits = 1 + r.nextInt(6);
    for (int i = 0; i < edits; i++) {
      int at = r.nextInt(s.length() + 1);
      switch (r.nextInt(3)) {
        case 0:
          s.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
          break;
        case 1:
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
          break;
        default:
          s.setLength(Math.min(s.length(), at + 1)); // truncated file
      }
    }
    Compression compression = Compression.values()[r.nextInt(3)];
    Path file = dir.resolve("m.txt");
    Compressor.write(file, s.toString().getBytes(StandardCharsets.UTF_8), compression);
    check(file, false);
  }

  @Property(seed = "20261126", tries = 50)
  void corruptCompressedStreamsAreUnknownOrFailWithIoException(@ForAll long seed)
      throws IOException {
    Random r = new Random(seed);
    Path file = dir.resolve("c.gz");
    Compressor.write(
        file,
        (CSV + CSV + CSV).getBytes(StandardCharsets.UTF_8),
        Compression.values()[1 + r.nextInt(2)]);
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < 3; i++) {
      int at = 4 + r.nextInt(bytes.length - 4);
      bytes[at] = (byte) r.nextInt(256);
    }
    if (r.nextBoolean()) {
      bytes = java.util.Arrays.copyOf(bytes, 4 + r.nextInt(bytes.length - 4));
    }
    Files.write(file, bytes);
    check(file, true);
  }

  private void check(Path file, boolean ioExceptionAllowed) throws IOException {
    Classification c = classifier.classify(file);
    if (!c.known()) {
      assertThat(c.reason()).isNotBlank();
      return;
    }
    assertThat(c.schema()).isNotNull();
    try (RowReader reader = RowReaders.open(file, c, c.schema(), ExtraColumns.IGNORE)) {
      SourceRow row;
      int rows = 0;
      while ((row = reader.next()) != null && rows++ < 10_000) {
        if (row.rejected()) {
          assertThat(row.rejectReason()).isNotBlank();
        } else {
          assertThat(row.record()).isNotNull();
        }
      }
      assertThat(reader.bytesRead()).isLessThanOrEqualTo(Files.size(file));
    } catch (IOException e) {
      if (!ioExceptionAllowed) {
        throw e;
      }
    }
  }
}
