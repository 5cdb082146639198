package io.tributary.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.ErrorCode;
import io.tributary.core.RetriableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded local copy of remote data files (the lake on S3), so the query engine, which reads only
 * local files, can read them.
 *
 * <ul>
 *   <li><b>Read-through</b>: {@link #acquire} returns the local copy, downloading it first on a
 *       miss through the table's {@link FileIO}.
 *   <li><b>One download per file at a time</b>: concurrent queries asking for a file being
 *       downloaded wait for that download instead of starting their own.
 *   <li><b>No partial files</b>: a download goes to a temporary name and is moved into place only
 *       once complete and checked; readers only ever get complete files.
 *   <li><b>Checksummed</b>: a download must have the length Iceberg recorded for the file (its
 *       manifest's {@code file_size_in_bytes}), and its SHA-256 is kept; a copy whose length or
 *       modification time changed on disk since is dropped and downloaded again.
 *   <li><b>Bounded, LRU</b>: when the copies exceed {@code maxBytes}, the least recently used ones
 *       that no query holds are deleted. Files held by running queries are never deleted, so the
 *       cache may exceed its bound while queries hold more than it.
 * </ul>
 *
 * <p>Data files never change once written (Iceberg writes new files under new names), so a copy is
 * valid for as long as it is kept. The directory is emptied at start: copies of an earlier run are
 * not trusted. Metrics: {@code tributary.query.cache.requests} tagged {@code result=hit|miss},
 * {@code tributary.query.cache.evictions}, {@code tributary.query.cache.bytes}. Thread-safe.
 */
public final class ReadThroughCache {
  private static final Logger LOG = LoggerFactory.getLogger(ReadThroughCache.class);
  private static final String PARTIAL = ".part";

  private final Path dir;
  private final long maxBytes;
  private final String remoteRoot;
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong bytes = new AtomicLong();
  private final Counter hits;
  private final Counter misses;
  private final Counter evictions;
  private final AtomicLong downloads = new AtomicLong();

  /** A file held by a query: its local copy stays until {@link #close}. */
  public interface Lease extends AutoCloseable {
    /** The complete local copy. */
    Path path();

    @Override
    void close();
  }

  /** Hits, misses and the bytes held, for tests and status pages. */
  public record Stats(long hits, long misses, long evictions, long downloads, long bytes) {
    /** Hits over requests; 0 before any request. */
    public double hitRate() {
      long requests = hits + misses;
      return requests == 0 ? 0 : (double) hits / requests;
    }
  }

  private static final class Entry {
    final String location;
    final Path path;
    final long length;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    int pins;
    String sha256;
    long modifiedMillis;

    Entry(String location, Path path, long length) {
      this.location = location;
      this.path = path;
      this.length = length;
    }
  }

  /**
   * A cache in {@code dir} (created, and emptied of earlier copies) holding up to {@code maxBytes}
   * of files whose locations start with {@code remoteRoot} (the lake's warehouse, e.g. {@code
   * s3://bucket/prefix/}).
   */
  public ReadThroughCache(Path dir, long maxBytes, String remoteRoot, MeterRegistry meters) {
    Objects.requireNonNull(dir, "dir is null");
    Objects.requireNonNull(remoteRoot, "remoteRoot is null");
    Objects.requireNonNull(meters, "meters is null");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("Invalid cache size: " + maxBytes + " (must be positive)");
    }
    this.dir = dir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    this.remoteRoot = remoteRoot.endsWith("/") ? remoteRoot : remoteRoot + "/";
    try {
      Files.createDirectories(this.dir);
      try (var old = Files.list(this.dir)) {
        for (Path file : (Iterable<Path>) old::iterator) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the query cache directory " + this.dir, e);
    }
    this.hits =
        Counter.builder("tributary.query.cache.requests").tag("result", "hit").register(meters);
    this.misses =
        Counter.builder("tributary.query.cache.requests").tag("result", "miss").register(meters);
    this.evictions = Counter.builder("tributary.query.cache.evictions").register(meters);
    Gauge.builder("tributary.query.cache.bytes", bytes, AtomicLong::get)
        .baseUnit("bytes")
        .register(meters);
  }

  /** The directory the copies live in (the query sandbox may read it). */
  public Path dir() {
    return dir;
  }

  /** Whether {@code location} is a remote file this cache serves. */
  public boolean serves(String location) {
    if (!location.startsWith(remoteRoot) || location.chars().anyMatch(Character::isISOControl)) {
      return false;
    }
    for (String segment : location.substring(remoteRoot.length()).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** The local path the copy of {@code location} has whenever it is cached. */
  public Path localPath(String location) {
    return dir.resolve(sha256(location.getBytes(StandardCharsets.UTF_8)) + ".parquet");
  }

  /**
   * The complete local copy of {@code location}, downloaded through {@code io} if not cached, held
   * until the lease is closed.
   *
   * @param length the file's length as Iceberg recorded it
   * @throws RetriableException if the download failed or the file did not match its length
   */
  public Lease acquire(FileIO io, String location, long length) {
    Objects.requireNonNull(io, "io is null");
    if (!serves(location)) {
      throw new IllegalArgumentException(
          "Invalid cached file location: " + location + " (not under " + remoteRoot + ")");
    }
    Entry entry;
    boolean download;
    synchronized (this) {
      entry = entries.get(location);
      if (entry != null
          && entry.pins == 0
          && entry.ready.isDone()
          && !entry.ready.isCompletedExceptionally()
          && !intact(entry)) {
        drop(entry); // changed on disk since it was downloaded: download it again
        entry = null;
      }
      download = entry == null;
      if (download) {
        entry = new Entry(location, localPath(location), length);
        entries.put(location, entry);
        misses.increment();
      } else {
        hits.increment();
      }
      entry.pins++;
    }
    if (download) {
      download(io, entry);
    }
    try {
      entry.ready.join();
    } catch (CompletionException e) {
      release(entry);
      throw new RetriableException(
          ErrorCode.CATALOG_UNAVAILABLE,
          "Cannot read " + location + " into the query cache: " + e.getCause().getMessage(),
          e.getCause());
    }
    Entry held = entry;
    return new Lease() {
      private boolean closed;

      @Override
      public Path path() {
        return held.path;
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          release(held);
        }
      }
    };
  }

  /** The counts so far. */
  public Stats stats() {
    return new Stats(
        (long) hits.count(),
        (long) misses.count(),
        (long) evictions.count(),
        downloads.get(),
        bytes.get());
  }

  private void download(FileIO io, Entry entry) {
    Path partial = entry.path.resolveSibling(entry.path.getFileName() + PARTIAL);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      InputFile input = io.newInputFile(entry.location, entry.length);
      long copied = 0;
      try (InputStream in = input.newStream();
          OutputStream out = Files.newOutputStream(partial)) {
        byte[] buffer = new byte[256 << 10];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
          out.write(buffer, 0, n);
          copied += n;
        }
      }
      if (copied != entry.length) {
        throw new IOException(
            "got " + copied + " bytes, the table's metadata says " + entry.length);
      }
      Files.move(partial, entry.path, StandardCopyOption.ATOMIC_MOVE);
      synchronized (this) {
        entry.sha256 = HexFormat.of().formatHex(digest.digest());
        entry.modifiedMillis = Files.getLastModifiedTime(entry.path).toMillis();
        bytes.addAndGet(entry.length);
        downloads.incrementAndGet();
      }
      entry.ready.complete(null);
      LOG.debug("Cached {} ({} bytes, sha256 {})", entry.location, entry.length, entry.sha256);
      evict();
    } catch (IOException | RuntimeException | NoSuchAlgorithmException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      synchronized (this) {
        entries.remove(entry.location, entry);
      }
      entry.ready.completeExceptionally(e);
    }
  }

  /** Whether the copy on disk still has the length and modification time it was written with. */
  private static boolean intact(Entry entry) {
    try {
      return Files.size(entry.path) == entry.length
          && Files.getLastModifiedTime(entry.path).toMillis() == entry.modifiedMillis;
    } catch (IOException e) {
      return false;
    }
  }

  private synchronized void release(Entry entry) {
    entry.pins--;
    evict();
  }

  /** Deletes least recently used copies no query holds until the cache fits its bound. */
  private synchronized void evict() {
    if (bytes.get() <= maxBytes) {
      return;
    }
    List<Entry> victims = new ArrayList<>();
    long excess = bytes.get() - maxBytes;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && excess > 0; ) {
      Entry entry = it.next();
      if (entry.pins == 0 && entry.ready.isDone() && !entry.ready.isCompletedExceptionally()) {
        victims.add(entry);
        excess -= entry.length;
      }
    }
    for (Entry victim : victims) {
      drop(victim);
      evictions.increment();
    }
  }

  private void drop(Entry entry) {
    entries.remove(entry.location, entry);
    bytes.addAndGet(-entry.length);
    try {
      Files.deleteIfExists(entry.path);
    } catch (IOException e) {
      LOG.warn("Cannot delete the cached copy {}: {}", entry.path, e.getMessage());
    }
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
