package io.tributary.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.InvalidInputException;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** No upload path, however crafted, resolves outside its source folder. */
class LandingPathPropertiesTest {
  private static final Path ROOT = Path.of("/tmp/landing-property-test").toAbsolutePath();

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().withChars("./\\a_~%\0").ofMaxLength(20),
        Arbitraries.of("..", "../x", "a/../../x", "/etc/passwd", "a/./b", "a//b", "~/x"));
  }

  @Property(seed = "20261127", tries = 1000)
  void resolvedPathsStayInsideTheSource(@ForAll("paths") String path) {
    try (LandingZone zone = new LandingZone(ROOT, new RecordingLandingEvents())) {
      Path resolved = zone.resolve("src", path);
      assertThat(resolved.normalize()).isEqualTo(resolved);
      assertThat(resolved).startsWithRaw(ROOT.resolve("src"));
      assertThat(resolved).isNotEqualTo(ROOT.resolve("src"));
    } catch (InvalidInputException expected) {
      assertThat(expected.code()).isEqualTo("invalid_path");
    } catch (java.nio.file.InvalidPathException expected) {
      // the file system refuses the name itself (e.g. NUL): nothing is written
    }
  }
}
