package io.tributary.flow;

import io.tributary.spi.FlowTask;
import io.tributary.spi.PermanentFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs {@code java} tasks: a new instance of the task's {@link FlowTask} class per try, loaded from
 * the classpath or a jar in the plugins folder ({@code <data-dir>/plugins}). A missing or unfit
 * class and a {@link PermanentFailureException} fail the task for good; any other exception is
 * retried under the task's policy.
 */
public final class JavaTaskRunner implements TaskRunner, AutoCloseable {
  private final Path plugins;
  private URLClassLoader jars;

  /**
   * @param plugins the folder whose jars hold task classes (it may not exist)
   */
  public JavaTaskRunner(Path plugins) {
    this.plugins = Objects.requireNonNull(plugins, "plugins is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context) throws Exception {
    TaskAction.Java java = (TaskAction.Java) action;
    FlowTask task = instance(java.className());
    Map<String, String> params = new LinkedHashMap<>();
    context
        .variables()
        .forEach(
            (name, value) -> {
              if (name.startsWith("params.")) {
                params.put(name.substring("params.".length()), value);
              }
            });
    java.options().forEach((name, value) -> params.put(name, context.render(value)));
    context.log().accept("Running " + java.className());
    try {
      task.run(new Context(context, Map.copyOf(params)));
    } catch (PermanentFailureException e) {
      throw new TaskFailedException(
          java.className() + " failed for good (" + e.code() + "): " + e.getMessage(), false, e);
    }
  }

  private FlowTask instance(String className) throws TaskFailedException {
    Class<?> type;
    try {
      type = Class.forName(className, true, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new TaskFailedException(
          "Java task class '"
              + className
              + "' not found (not on the classpath nor in a jar in "
              + plugins
              + "): "
              + e,
          false,
          e);
    }
    if (!FlowTask.class.isAssignableFrom(type)) {
      throw new TaskFailedException(
          "Java task class '" + className + "' does not implement " + FlowTask.class.getName(),
          false);
    }
    try {
      return (FlowTask) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
      throw new TaskFailedException(
          "Java task class '" + className + "' needs a public no-argument constructor: " + e,
          false,
          e);
    } catch (InvocationTargetException e) {
      throw new TaskFailedException(
          "Constructor of " + className + " failed: " + e.getCause(), true, e.getCause());
    }
  }

  /** The application class loader, or one over the jars of the plugins folder. */
  private synchronized ClassLoader classLoader() {
    ClassLoader parent = JavaTaskRunner.class.getClassLoader();
    if (!Files.isDirectory(plugins)) {
      return parent;
    }
    if (jars == null) {
      List<URL> urls = new ArrayList<>();
      try (Stream<Path> files = Files.list(plugins)) {
        for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          urls.add(jar.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new IllegalStateException("Invalid jar path in " + plugins, e);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + plugins, e);
      }
      jars = new URLClassLoader(urls.toArray(URL[]::new), parent);
    }
    return jars;
  }

  @Override
  public synchronized void close() throws IOException {
    if (jars != null) {
      jars.close();
      jars = null;
    }
  }

  /** What a try of a java task sees, over the engine's context. */
  private record Context(TaskContext task, Map<String, String> params) implements FlowTask.Context {
    @Override
    public String flowName() {
      return task.flow();
    }

    @Override
    public String runId() {
      return task.runId();
    }

    @Override
    public String taskId() {
      return task.taskId();
    }

    @Override
    public int tryNumber() {
      return task.tryNumber();
    }

    @Override
    public LocalDate logicalDate() {
      return LocalDate.parse(task.variables().get("ds"));
    }

    @Override
    public Instant dataIntervalStart() {
      return Instant.parse(task.variables().get("data_interval_start"));
    }

    @Override
    public Instant dataIntervalEnd() {
      return Instant.parse(task.variables().get("data_interval_end"));
    }

    @Override
    public void log(String line) {
      task.log().accept(line);
    }

    @Override
    public void output(String name, String value) {
      task.log().accept("Output " + name + " = " + value);
    }
  }
}
