package io.tributary.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.batch.format.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonKeyCheckTest {
  private static final Set<String> KNOWN = Set.of("id", "name", "Tags", "nested");

  private final Path dir;

  JsonKeyCheckTest() throws IOException {
    dir = Files.createTempDirectory("json-key-check");
  }

  @Test
  void aFileWithOnlyKnownKeysPasses() throws IOException {
    Path file =
        write(
            "{\"id\":1,\"name\":\"a\"}\n\n{\"Tags\":[1,{\"x\":2}],\"nested\":{\"unknown\":3}}\n{}\n");

    assertThat(check(file, Compression.NONE)).isEmpty();
  }

  @Test
  void aKeyTheSampleDidNotSeeNamesItsLine() throws IOException {
    Path file = write("{\"id\":1}\n{\"id\":2,\"extra\":\"x\"}\n");

    assertThat(check(file, Compression.NONE))
        .hasValue("line 2 has the key 'extra' that the sample did not see");
  }

  @Test
  void keysAreComparedAsWritten() throws IOException {
    assertThat(check(write("{\"tags\":1}\n"), Compression.NONE))
        .hasValue("line 1 has the key 'tags' that the sample did not see");
  }

  @Test
  void linesThatAreNotOneObjectOfTheirOwnAreFound() throws IOException {
    assertThat(check(write("{\"id\":1}\n[1,2]\n"), Compression.NONE))
        .hasValue("line 2 is not a JSON object");
    assertThat(check(write("{\"id\":1}\n\"text\"\n"), Compression.NONE))
        .hasValue("line 2 is not a JSON object");
    assertThat(check(write("{\"id\":1} {\"id\":2}\n"), Compression.NONE))
        .hasValue("line 1 holds more than one JSON value");
    assertThat(check(write("{\"id\":1,\n\"name\":\"a\"}\n"), Compression.NONE))
        .hasValue("line 1 holds an object that spans lines");
  }

  @Test
  void malformedJsonIsFound() throws IOException {
    assertThat(check(write("{\"id\":1}\n{\"id\":\n"), Compression.NONE))
        .hasValueSatisfying(problem -> assertThat(problem).startsWith("malformed JSON"));
  }

  @Test
  void gzipIsReadThrough() throws IOException {
    Path file = dir.resolve("t.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("{\"id\":1}\n{\"other\":2}\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(check(file, Compression.GZIP))
        .hasValue("line 2 has the key 'other' that the sample did not see");
  }

  /** Random clean files pass; one unknown key put on a random line is found on that line. */
  @Property(seed = "20261205", tries = 50)
  void anUnknownKeyIsFoundOnItsLine(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    List<String> known = List.copyOf(KNOWN);
    List<String> lines = new ArrayList<>();
    int count = 1 + random.nextInt(200);
    for (int i = 0; i < count; i++) {
      lines.add(object(random, known, null));
    }
    Path clean = Files.writeString(dir.resolve("clean" + seed + ".json"), text(lines, random));
    assertThat(check(clean, Compression.NONE)).isEmpty();

    int bad = random.nextInt(count);
    lines.set(bad, object(random, known, "zz_" + random.nextInt(1000)));
    Path dirty = Files.writeString(dir.resolve("dirty" + seed + ".json"), text(lines, random));
    assertThat(check(dirty, Compression.NONE))
        .hasValueSatisfying(
            problem -> assertThat(problem).startsWith("line " + (bad + 1) + " has the key 'zz_"));
  }

  private static String object(Random random, List<String> known, String unknown) {
    List<String> fields = new ArrayList<>();
    for (String key : known) {
      if (random.nextInt(3) > 0) {
        fields.add("\"" + key + "\":" + value(random, 0));
      }
    }
    if (unknown != null) {
      fields.add(random.nextInt(fields.size() + 1), "\"" + unknown + "\":" + value(random, 0));
    }
    return "{" + String.join(random.nextBoolean() ? "," : " , ", fields) + "}";
  }

  private static String value(Random random, int depth) {
    return switch (depth > 2 ? random.nextInt(4) : random.nextInt(6)) {
      case 0 -> Long.toString(random.nextLong());
      case 1 -> "\"s\\\"{" + random.nextInt() + "\\n}\"";
      case 2 -> random.nextBoolean() ? "true" : "null";
      case 3 -> Double.toString(random.nextDouble());
      case 4 -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
      default -> "{\"unknown_inside\":" + value(random, depth + 1) + "}";
    };
  }

  private static String text(List<String> lines, Random random) {
    return String.join(random.nextBoolean() ? "\n" : "\r\n", lines) + "\n";
  }

  private Path write(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "t", ".json"), text);
  }

  private static Optional<String> check(Path file, Compression compression) throws IOException {
    return new JsonKeyCheck(file, compression, KNOWN).firstUnreadLine();
  }
}
