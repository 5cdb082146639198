package io.tributary.batch;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The landing zone: {@code <data-dir>/landing/<source>/...}. Files arrive by upload ({@link
 * #store}: streamed to a temporary file, then moved into place atomically) or are copied in
 * directly and found by a polling watcher ({@link #watch}); each arrival is a {@link LandingEvent}.
 *
 * <p>Names starting with {@code .} or {@code _} and names ending in {@code .tmp}/{@code .part} are
 * not data (temporary and marker files); the watcher and crawlers skip them.
 */
public final class LandingZone implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LandingZone.class);
  private static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9_-]{0,99}");
  private static final String UPLOADS = ".uploads";
  private static final int MAX_PATH_CHARS = 1024;

  /** The longest file name common file systems (ext4, XFS, APFS, NTFS) take. */
  private static final int MAX_NAME_BYTES = 255;

  private final Path root;
  private final LandingEvents events;
  private final S3Landing remote;
  private final Map<Path, Version> announced = new ConcurrentHashMap<>();
  private final Map<Path, Version> seen = new HashMap<>();
  private ScheduledExecutorService watcher;

  /** A file's identity for change detection. */
  private record Version(long size, long modifiedMillis) {}

  public LandingZone(Path root, LandingEvents events) {
    this(root, events, null);
  }

  /**
   * A landing zone whose files live on S3 ({@code remote}, null: none), mirrored under {@code root}
   * before each crawl and each watcher poll; uploads go to both.
   */
  LandingZone(Path root, LandingEvents events, S3Landing remote) {
    this.root = Objects.requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.events = Objects.requireNonNull(events, "events is null");
    this.remote = remote;
    try {
      Files.createDirectories(this.root.resolve(UPLOADS));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the landing zone " + root, e);
    }
  }

  /** The landing zone directory. */
  public Path root() {
    return root;
  }

  /**
   * The folder of {@code source}.
   *
   * @throws InvalidInputException if {@code source} is not a valid source name
   */
  public Path sourceDir(String source) {
    checkSource(source);
    return root.resolve(source);
  }

  /**
   * Brings the folder of {@code source} up to date with the landing bucket, when the landing zone
   * is on S3 (a no-op otherwise): new and changed objects downloaded, files of removed objects
   * deleted.
   */
  public void refresh(String source) throws IOException {
    if (remote != null) {
      remote.mirror(source, sourceDir(source), this::resolve);
    }
  }

  /** Whether {@code name} (one path segment) is a data file name rather than a temporary one. */
  public static boolean isDataName(String name) {
    return !name.isEmpty()
        && !name.startsWith(".")
        && !name.startsWith("_")
        && !name.endsWith(".tmp")
        && !name.endsWith(".part");
  }

  /**
   * Streams {@code body} to {@code landing/<source>/<path>}, replacing a file already there, and
   * publishes the landing event. Readers never see a partial file.
   *
   * @throws InvalidInputException if the source or path is invalid (absolute, {@code ..}, hidden or
   *     temporary names)
   */
  public LandingEvent store(String source, String path, InputStream body) throws IOException {
    Path target = resolve(source, path);
    Path temp = root.resolve(UPLOADS).resolve(UUID.randomUUID() + ".part");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        body.transferTo(out);
      }
      Files.createDirectories(target.getParent());
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    if (remote != null) {
      try {
        remote.upload(source, root.resolve(source).relativize(target).toString(), target);
      } catch (RuntimeException e) {
        Files.deleteIfExists(target); // not landed: the next mirror would delete it anyway
        throw new IOException("Cannot put " + source + "/" + path + " to the landing bucket", e);
      }
    }
    BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class);
    Version version = new Version(attributes.size(), attributes.lastModifiedTime().toMillis());
    announced.put(target, version);
    LandingEvent event =
        new LandingEvent(
            source,
            root.resolve(source).relativize(target).toString().replace('\\', '/'),
            version.size(),
            Instant.ofEpochMilli(version.modifiedMillis()),
            "upload");
    events.publish(event);
    return event;
  }

  /**
   * The absolute path of {@code landing/<source>/<path>}.
   *
   * @throws InvalidInputException if either part is invalid or the path leaves the source folder
   */
  public Path resolve(String source, String path) {
    Path dir = sourceDir(source);
    Objects.requireNonNull(path, "path is null");
    if (path.isEmpty() || path.length() > MAX_PATH_CHARS) {
      throw invalidPath(source, path, "must be 1.." + MAX_PATH_CHARS + " characters");
    }
    if (path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0) {
      throw invalidPath(source, path, "must be a relative path with / separators");
    }
    if (path.chars().anyMatch(Character::isISOControl)) {
      throw invalidPath(
          source, path, "control characters (newline, tab, ...) are not allowed in names");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw invalidPath(source, path, "empty, . and .. segments are not allowed");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw invalidPath(
            source,
            path,
            "each name between / must be at most " + MAX_NAME_BYTES + " bytes (UTF-8)");
      }
      if (!isDataName(segment)) {
        throw invalidPath(
            source, path, "names starting with . or _ or ending in .tmp/.part are reserved");
      }
    }
    Path target = dir.resolve(path).normalize();
    if (!target.startsWith(dir) || target.equals(dir)) {
      throw invalidPath(source, path, "must stay inside landing/" + source);
    }
    return target;
  }

  private static InvalidInputException invalidPath(String source, String path, String rule) {
    return new InvalidInputException(
        ErrorCode.INVALID_PATH,
        "Invalid landing path '" + path + "' of source '" + source + "': " + rule);
  }

  private static void checkSource(String source) {
    if (source == null || !SOURCE.matcher(source).matches()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_SOURCE,
          "Invalid landing source '"
              + source
              + "': use lower-case letters, digits, _ and -, starting with a letter");
    }
  }

  /**
   * Starts polling the landing zone every {@code interval}: a file that is new or changed, and
   * unchanged since the previous poll (so it is completely copied), is announced once. Files
   * present at the first poll are not announced (event crawlers catch up when they start).
   */
  public synchronized void watch(Duration interval) {
    if (watcher != null) {
      return;
    }
    scan(false);
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "landing-watcher");
              thread.setDaemon(true);
              return thread;
            });
    watcher.scheduleWithFixedDelay(
        () -> {
          try {
            scan(true);
          } catch (RuntimeException e) {
            LOG.warn("Landing zone scan failed: {}", e.toString());
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void scan(boolean announce) {
    if (remote != null) {
      for (String source : remote.sources()) {
        if (SOURCE.matcher(source).matches()) {
          try {
            refresh(source);
          } catch (IOException e) {
            LOG.warn("Cannot mirror landing source {}: {}", source, e.toString());
          }
        }
      }
    }
    Map<Path, Version> now = new HashMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
              }
              boolean source = dir.getParent().equals(root);
              String name = dir.getFileName().toString();
              if (source ? !SOURCE.matcher(name).matches() : !isDataName(name)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()
                  && !file.getParent().equals(root)
                  && isDataName(file.getFileName().toString())) {
                now.put(file, new Version(attrs.size(), attrs.lastModifiedTime().toMillis()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // removed while walking
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot scan the landing zone " + root, e);
    }
    for (Map.Entry<Path, Version> entry : now.entrySet()) {
      Path file = entry.getKey();
      Version version = entry.getValue();
      boolean stable = version.equals(seen.get(file));
      if (!announce) {
        announced.put(file, version);
      } else if (stable && !version.equals(announced.get(file))) {
        announced.put(file, version);
        Path relative = root.relativize(file);
        String source = relative.getName(0).toString();
        LandingEvent event =
            new LandingEvent(
                source,
                relative.subpath(1, relative.getNameCount()).toString().replace('\\', '/'),
                version.size(),
                Instant.ofEpochMilli(version.modifiedMillis()),
                "detected");
        try {
          events.publish(event);
        } catch (RuntimeException e) {
          announced.remove(file); // try again on the next poll
          LOG.warn("Cannot announce {}: {}", file, e.toString());
        }
      }
    }
    announced.keySet().retainAll(now.keySet());
    seen.clear();
    seen.putAll(now);
  }

  /** Stops the watcher; files stay. */
  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.shutdownNow();
      try {
        watcher.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      watcher = null;
    }
  }
}
