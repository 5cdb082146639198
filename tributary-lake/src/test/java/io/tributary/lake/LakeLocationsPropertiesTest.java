package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ForbiddenException;

/**
 * Generated locations built from hostile pieces ({@code ..}, {@code .}, symbolic links out of the
 * warehouse, encoded dots, other schemes and hosts): a location is accepted only if the file it
 * names — symbolic links followed — lies inside the warehouse.
 */
class LakeLocationsPropertiesTest {
  private static final Path ROOT = createRoot();
  private static final Path WAREHOUSE = ROOT.resolve("lake");
  private static final Path OUTSIDE = ROOT.resolve("outside");
  private static final LakeLocations LOCATIONS = new LakeLocations(WAREHOUSE);

  private static Path createRoot() {
    try {
      Path root = Files.createTempDirectory("lake-locations").toRealPath();
      Files.createDirectories(root.resolve("lake/ns/t"));
      Files.createDirectories(root.resolve("outside"));
      Files.createSymbolicLink(root.resolve("lake/escape"), root.resolve("outside"));
      Files.createSymbolicLink(root.resolve("lake/ns/inner"), root.resolve("lake/ns/t"));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<String> locations() {
    Arbitrary<String> segment =
        Arbitraries.of("..", ".", "ns", "t", "escape", "inner", "new", "%2e%2e", "x\ny", "");
    Arbitrary<String> path = segment.list().ofMaxSize(6).map(list -> String.join("/", list));
    Arbitrary<String> base =
        Arbitraries.of(WAREHOUSE.toString(), ROOT.toString(), OUTSIDE.toString(), "", "/");
    Arbitrary<String> scheme = Arbitraries.of("", "file:", "file://", "file://host", "s3://b");
    return Combinators.combine(scheme, base, path).as((s, b, p) -> s + b + "/" + p);
  }

  @Property(seed = "20261204", tries = 2000)
  void anAcceptedLocationResolvesInsideTheWarehouse(@ForAll("locations") String location)
      throws IOException {
    try {
      LOCATIONS.requireInside("location", location);
    } catch (ForbiddenException refused) {
      return;
    }
    assertThat(location).doesNotContain("://host", "s3:", "\n");
    // write there as a client's file IO would, letting the file system resolve the path
    Path path =
        Path.of(
            java.net
                .URI
                .create(
                    location.startsWith("file:")
                        ? location
                        : "file://" + location.replace("%", "%25"))
                .getPath());
    Path marker = path.resolve("marker");
    try {
      Files.createDirectories(path);
      Files.writeString(marker, "x");
    } catch (IOException notWritable) {
      return; // nothing written anywhere
    }
    assertThat(marker.toRealPath()).as(location).startsWithRaw(WAREHOUSE);
    Files.delete(marker);
  }

  @Example
  void examples() {
    LOCATIONS.requireInside("location", WAREHOUSE.resolve("ns/t").toString());
    LOCATIONS.requireInside("location", "file://" + WAREHOUSE.resolve("ns/new/metadata"));
    LOCATIONS.requireInside("location", "file:" + WAREHOUSE.resolve("ns/inner/x"));
    LOCATIONS.requireInside(Map.of("write.data.path", WAREHOUSE + "/ns/t/data", "other", "/etc"));
    for (String outside :
        List.of(
            OUTSIDE.toString(),
            WAREHOUSE + "/../outside",
            WAREHOUSE + "/escape/x",
            "file://" + WAREHOUSE + "/%2e%2e/outside",
            "file://host" + WAREHOUSE,
            WAREHOUSE + "x",
            "ns/t",
            "s3://bucket/lake")) {
      assertThatThrownBy(() -> LOCATIONS.requireInside("location", outside))
          .as(outside)
          .isInstanceOf(ForbiddenException.class);
    }
    assertThatThrownBy(
            () -> LOCATIONS.requireInside(Map.of("write.metadata.path", OUTSIDE.toString())))
        .isInstanceOf(ForbiddenException.class)
        .hasMessageContaining("write.metadata.path");
  }

  @Example
  void names() {
    LakeLocations.requireAddressable(Namespace.of("raw"), "app_events");
    LakeLocations.requireSafeName(Namespace.of("team", "sandbox v2"));
    for (String name : List.of("UP", "a'b", "a.b", "a/b", "..", "", "x\ny", "日本")) {
      assertThatThrownBy(() -> LakeLocations.requireAddressable(Namespace.of("raw"), name))
          .as(name)
          .isInstanceOf(BadRequestException.class);
    }
    assertThatThrownBy(() -> LakeLocations.requireAddressable(Namespace.of("a", "b"), "t"))
        .isInstanceOf(BadRequestException.class);
    for (String name : List.of("..", ".", "a/b", "a\\b", "", "x\ny", "a".repeat(256))) {
      assertThatThrownBy(() -> LakeLocations.requireSafeName("view", name))
          .as(name)
          .isInstanceOf(BadRequestException.class);
    }
  }
}
