package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher from a fresh checkout: three {@code ./tributary --version} started at the same
 * moment all succeed, because the build runs once under a lock and the others wait for it. Slow: it
 * builds every module once.
 */
class LauncherConcurrencyIT {
  private static final int COMMANDS = 3;
  private static final long TIMEOUT_MINUTES = 15;

  @TempDir Path clone;

  @Test
  void threeConcurrentCommandsInAFreshCheckoutAllSucceed() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    copyCheckout(root, clone);

    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < COMMANDS; i++) {
      processes.add(
          new ProcessBuilder(clone.resolve("tributary").toString(), "--version")
              .directory(clone.toFile())
              .redirectErrorStream(true)
              .redirectOutput(clone.resolve("run-" + i + ".log").toFile())
              .start());
    }
    for (int i = 0; i < COMMANDS; i++) {
      Process process = processes.get(i);
      boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      String log = Files.readString(clone.resolve("run-" + i + ".log"), StandardCharsets.UTF_8);
      assertThat(finished).as("command %d finished; output:%n%s", i, log).isTrue();
      assertThat(process.exitValue()).as("command %d exit; output:%n%s", i, log).isZero();
      assertThat(log).as("command %d output", i).contains("tributary 0.1.0");
    }
  }

  /** The working tree's tracked and new (not ignored) files, as a fresh clone would hold them. */
  private static void copyCheckout(Path root, Path target) throws Exception {
    Process list =
        new ProcessBuilder("git", "ls-files", "-co", "--exclude-standard", "-z")
            .directory(root.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] names = list.getInputStream().readAllBytes();
    assertThat(list.waitFor()).as("git ls-files in %s", root).isZero();
    for (String name : new String(names, StandardCharsets.UTF_8).split("\0")) {
      if (name.isEmpty() || !Files.isRegularFile(root.resolve(name))) {
        continue;
      }
      Path to = target.resolve(name);
      Files.createDirectories(to.getParent());
      Files.copy(root.resolve(name), to, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }
}
