package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.spi.FlowTask;
import io.tributary.spi.PermanentFailureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaTaskRunnerTest {
  @TempDir Path plugins;
  @TempDir Path build;

  private final List<String> log = new ArrayList<>();

  /** Reports what it saw. */
  public static final class Report implements FlowTask {
    @Override
    public void run(Context context) {
      context.log("date " + context.logicalDate() + ", try " + context.tryNumber());
      context.output("params", new java.util.TreeMap<>(context.params()).toString());
      context.output("interval", context.dataIntervalStart() + "/" + context.dataIntervalEnd());
    }
  }

  /** Fails for good. */
  public static final class Refuse implements FlowTask {
    @Override
    public void run(Context context) throws PermanentFailureException {
      throw new PermanentFailureException("bad_input", "no such export");
    }
  }

  /** Not a task. */
  public static final class NotATask {}

  private TaskContext context() {
    Map<String, String> variables =
        new HashMap<>(
            Templates.variables(
                new FlowParser(sql -> {})
                    .parse(
                        "name: f\nparams: { region: eu }\ntasks: [{ id: t, type: java, class: A }]",
                        "test",
                        null),
                "r1",
                Instant.parse("2024-03-02T00:00:00Z"),
                Instant.parse("2024-03-02T00:00:00Z"),
                Instant.parse("2024-03-03T00:00:00Z")));
    return new TaskContext("f", "r1", "t", 2, variables, log::add);
  }

  @Test
  void runsATaskClassWithItsRunAndParams() throws Exception {
    try (JavaTaskRunner runner = new JavaTaskRunner(plugins)) {
      runner.run(
          new TaskAction.Java(Report.class.getName(), Map.of("bucket", "b-{{ ds }}")), context());
    }

    assertThat(log)
        .contains(
            "date 2024-03-02, try 2",
            "Output params = {bucket=b-2024-03-02, region=eu}",
            "Output interval = 2024-03-02T00:00:00Z/2024-03-03T00:00:00Z");
  }

  @Test
  void unfitClassesAndPermanentFailuresFailForGood() throws Exception {
    try (JavaTaskRunner runner = new JavaTaskRunner(plugins)) {
      assertThatThrownBy(
              () -> runner.run(new TaskAction.Java("com.acme.Missing", Map.of()), context()))
          .isInstanceOfSatisfying(
              TaskFailedException.class, e -> assertThat(e.isRetriable()).isFalse())
          .hasMessageStartingWith(
              "Java task class 'com.acme.Missing' not found (not on the classpath nor in a jar in "
                  + plugins);
      assertThatThrownBy(
              () -> runner.run(new TaskAction.Java(NotATask.class.getName(), Map.of()), context()))
          .hasMessageEndingWith("does not implement io.tributary.spi.FlowTask");
      assertThatThrownBy(
              () -> runner.run(new TaskAction.Java(Refuse.class.getName(), Map.of()), context()))
          .isInstanceOfSatisfying(
              TaskFailedException.class, e -> assertThat(e.isRetriable()).isFalse())
          .hasMessageContaining("failed for good (bad_input): no such export");
    }
  }

  @Test
  void loadsTaskClassesFromJarsInThePluginsFolder() throws Exception {
    Path sources = Files.createDirectories(build.resolve("acme"));
    Files.writeString(
        sources.resolve("Hello.java"),
        """
        package acme;
        public class Hello implements io.tributary.spi.FlowTask {
          @Override
          public void run(Context context) {
            context.output("hello", context.flowName() + "/" + context.taskId());
          }
        }
        """);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int compiled =
        compiler.run(
            null,
            null,
            null,
            "-d",
            sources.getParent().toString(),
            "-cp",
            Path.of(FlowTask.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString(),
            sources.resolve("Hello.java").toString());
    assertThat(compiled).isZero();
    try (JarOutputStream jar =
        new JarOutputStream(Files.newOutputStream(plugins.resolve("acme.jar")))) {
      jar.putNextEntry(new JarEntry("acme/Hello.class"));
      jar.write(Files.readAllBytes(sources.resolve("Hello.class")));
      jar.closeEntry();
    }

    try (JavaTaskRunner runner = new JavaTaskRunner(plugins)) {
      runner.run(new TaskAction.Java("acme.Hello", Map.of()), context());
    }

    assertThat(log).contains("Output hello = f/t");
  }
}
