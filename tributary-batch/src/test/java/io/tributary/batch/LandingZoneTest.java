package io.tributary.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingZoneTest {
  @TempDir Path dir;

  private static ByteArrayInputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void storesAnUploadAndAnnouncesIt() throws Exception {
    RecordingLandingEvents events = new RecordingLandingEvents();
    try (LandingZone zone = new LandingZone(dir.resolve("landing"), events)) {
      LandingEvent event = zone.store("catalog", "shows/2026/a.csv", body("id\n1\n"));
      assertThat(event.source()).isEqualTo("catalog");
      assertThat(event.path()).isEqualTo("shows/2026/a.csv");
      assertThat(event.size()).isEqualTo(5);
      assertThat(event.origin()).isEqualTo("upload");
      assertThat(Files.readString(dir.resolve("landing/catalog/shows/2026/a.csv")))
          .isEqualTo("id\n1\n");
      assertThat(events.published()).containsExactly(event);
      assertThat(Files.list(dir.resolve("landing/.uploads"))).isEmpty();
    }
  }

  @Test
  void rejectsPathsOutsideTheSourceAndReservedNames() {
    try (LandingZone zone = new LandingZone(dir.resolve("landing"), new RecordingLandingEvents())) {
      for (String path :
          new String[] {
            "../x.csv", "a/../../x.csv", "/etc/passwd", "a//b", ".hidden", "a/_SUCCESS", "x.tmp", ""
          }) {
        assertThatThrownBy(() -> zone.store("catalog", path, body("x")))
            .as(path)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("Invalid landing path");
      }
      assertThatThrownBy(() -> zone.store("../etc", "x.csv", body("x")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Invalid landing source '../etc'");
      assertThat(dir.resolve("x.csv")).doesNotExist();
    }
  }

  @Test
  void rejectsNamesOverTheFileSystemLimitAndControlCharacters() throws Exception {
    try (LandingZone zone = new LandingZone(dir.resolve("landing"), new RecordingLandingEvents())) {
      String tooLong = "a".repeat(252) + ".csv";
      String multiByte = "é".repeat(126) + ".csv"; // 256 bytes in UTF-8
      for (String path :
          new String[] {tooLong, "dir/" + tooLong, multiByte, "a\nb.csv", "a\rb.csv", "a\tb.csv"}) {
        assertThatThrownBy(() -> zone.store("catalog", path, body("x")))
            .as(path)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("Invalid landing path");
      }
      String longest = "a".repeat(251) + ".csv";
      assertThat(zone.store("catalog", longest, body("x")).path()).isEqualTo(longest);
    }
  }

  @Test
  void watcherAnnouncesFilesCopiedInOnceComplete() throws Exception {
    RecordingLandingEvents events = new RecordingLandingEvents();
    Files.createDirectories(dir.resolve("landing/profiles"));
    Files.writeString(dir.resolve("landing/profiles/old.json"), "{}\n");
    try (LandingZone zone = new LandingZone(dir.resolve("landing"), events)) {
      zone.watch(Duration.ofMillis(50));
      Files.createDirectories(dir.resolve("landing/profiles/2026"));
      Files.writeString(dir.resolve("landing/profiles/2026/new.json"), "{\"a\":1}\n");
      Files.writeString(dir.resolve("landing/profiles/.partial.json"), "{");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(events.published())
                      .extracting(LandingEvent::path)
                      .containsExactly("2026/new.json"));
      assertThat(events.published().get(0).origin()).isEqualTo("detected");
    }
  }
}
