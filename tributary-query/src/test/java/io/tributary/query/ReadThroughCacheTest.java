package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.core.RetriableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadThroughCacheTest {
  private static final String ROOT = "s3://lake/warehouse";
  private static final int FILE_BYTES = 1000;

  @TempDir Path dir;
  private final InMemoryFileIO store = new InMemoryFileIO();
  private final CountingFileIO io = new CountingFileIO(store);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** Counts the files opened for reading; may hold every open until released. */
  private static final class CountingFileIO implements FileIO {
    final FileIO delegate;
    final AtomicInteger opened = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);

    CountingFileIO(FileIO delegate) {
      this.delegate = delegate;
    }

    @Override
    public InputFile newInputFile(String path) {
      opened.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return delegate.newInputFile(path);
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return delegate.newOutputFile(path);
    }

    @Override
    public void deleteFile(String path) {
      delegate.deleteFile(path);
    }
  }

  @BeforeEach
  void files() {
    for (int i = 0; i < 10; i++) {
      byte[] data = new byte[FILE_BYTES];
      new Random(i).nextBytes(data);
      store.addFile(location(i), data);
    }
  }

  private static String location(int i) {
    return ROOT + "/raw/t/data/f" + i + ".parquet";
  }

  private ReadThroughCache cache(long maxBytes) {
    return new ReadThroughCache(dir.resolve("cache"), maxBytes, ROOT, meters);
  }

  private void read(ReadThroughCache cache, int i) throws IOException {
    try (ReadThroughCache.Lease lease = cache.acquire(io, location(i), FILE_BYTES)) {
      assertThat(Files.readAllBytes(lease.path())).hasSize(FILE_BYTES);
    }
  }

  @Test
  void downloadsOnAMissAndServesTheCopyOnAHit() throws IOException {
    ReadThroughCache cache = cache(1 << 20);
    read(cache, 0);
    read(cache, 0);
    read(cache, 1);

    assertThat(cache.stats())
        .isEqualTo(new ReadThroughCache.Stats(1, 2, 0, 2, 2L * FILE_BYTES))
        .extracting(ReadThroughCache.Stats::hitRate)
        .isEqualTo(1.0 / 3);
    assertThat(io.opened).hasValue(2);
    assertThat(meters.get("tributary.query.cache.requests").tag("result", "hit").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("tributary.query.cache.bytes").gauge().value()).isEqualTo(2000);
  }

  @Test
  void evictsTheLeastRecentlyUsedFilesNoQueryHolds() throws IOException {
    ReadThroughCache cache = cache(2 * FILE_BYTES + FILE_BYTES / 2);
    read(cache, 0);
    read(cache, 1);
    read(cache, 0); // 1 is now the least recently used
    read(cache, 2);

    assertThat(cache.stats().evictions()).isEqualTo(1);
    assertThat(Files.exists(cache.localPath(location(1)))).isFalse();
    assertThat(Files.exists(cache.localPath(location(0)))).isTrue();
    read(cache, 0);
    assertThat(cache.stats().hits()).isEqualTo(2);

    // held files stay, even beyond the bound, until released
    try (ReadThroughCache.Lease a = cache.acquire(io, location(3), FILE_BYTES);
        ReadThroughCache.Lease b = cache.acquire(io, location(4), FILE_BYTES);
        ReadThroughCache.Lease c = cache.acquire(io, location(5), FILE_BYTES)) {
      assertThat(List.of(a.path(), b.path(), c.path())).allMatch(Files::exists);
    }
    assertThat(cache.stats().bytes()).isLessThanOrEqualTo(2 * FILE_BYTES + FILE_BYTES / 2);
  }

  @Test
  void concurrentReadersShareOneDownloadAndNeverSeeAPartialFile() throws Exception {
    ReadThroughCache cache = cache(1 << 20);
    io.gate = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        reads.add(
            threads.submit(
                () -> {
                  try (ReadThroughCache.Lease lease = cache.acquire(io, location(7), FILE_BYTES)) {
                    return Files.readAllBytes(lease.path());
                  }
                }));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().hits() == 7);
      // the download is still held: nothing but the partial file is in the directory
      assertThat(Files.exists(cache.localPath(location(7)))).isFalse();
      io.gate.countDown();
      for (Future<byte[]> read : reads) {
        assertThat(read.get())
            .isEqualTo(store.newInputFile(location(7)).newStream().readAllBytes());
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(io.opened).hasValue(1);
    assertThat(cache.stats().downloads()).isEqualTo(1);
  }

  @Test
  void refusesAFileWhoseLengthIsNotTheRecordedOneAndKeepsNothing() throws IOException {
    ReadThroughCache cache = cache(1 << 20);
    assertThatThrownBy(() -> cache.acquire(io, location(0), FILE_BYTES + 1))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining(location(0))
        .hasMessageContaining("1001");
    try (var left = Files.list(cache.dir())) {
      assertThat(left).isEmpty();
    }
    assertThat(cache.stats().bytes()).isZero();
    read(cache, 0); // a later good read downloads it
    assertThat(cache.stats().downloads()).isEqualTo(1);
  }

  @Test
  void downloadsAgainACopyChangedOnDisk() throws IOException {
    ReadThroughCache cache = cache(1 << 20);
    read(cache, 0);
    Path copy = cache.localPath(location(0));
    Files.write(copy, new byte[10]);
    Files.setLastModifiedTime(copy, FileTime.fromMillis(0));
    read(cache, 0);
    assertThat(io.opened).hasValue(2);
    assertThat(Files.size(copy)).isEqualTo(FILE_BYTES);
  }

  @Test
  void servesOnlyFilesUnderItsRoot() {
    ReadThroughCache cache = cache(1 << 20);
    assertThat(cache.serves(location(0))).isTrue();
    assertThat(cache.serves("s3://lake/warehouse/../secret/x.parquet")).isFalse();
    assertThat(cache.serves("s3://lake/warehouse-other/x.parquet")).isFalse();
    assertThat(cache.serves("s3://other/warehouse/x.parquet")).isFalse();
    assertThat(cache.serves("file:///etc/passwd")).isFalse();
    assertThatThrownBy(() -> cache.acquire(io, "s3://other/x.parquet", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptiesCopiesOfAnEarlierRun() throws IOException {
    Path old = Files.createDirectories(dir.resolve("cache")).resolve("old.parquet");
    Files.write(old, new byte[5]);
    cache(1 << 20);
    assertThat(Files.exists(old)).isFalse();
  }

  @Test
  void measuresTheHitRateOfASkewedWorkload() throws IOException {
    // 10 files, room for 4: a query mix where 3 files take 80% of the reads
    ReadThroughCache cache = cache(4L * FILE_BYTES);
    Random random = new Random(42);
    for (int query = 0; query < 500; query++) {
      int file = random.nextInt(10) < 8 ? random.nextInt(3) : 3 + random.nextInt(7);
      read(cache, file);
    }
    ReadThroughCache.Stats stats = cache.stats();
    System.out.printf(
        "read-through cache, 500 reads of 10 files (80%% on 3), room for 4: hit rate %.3f,"
            + " %d downloads, %d evictions%n",
        stats.hitRate(), stats.downloads(), stats.evictions());
    assertThat(stats.hitRate()).isGreaterThan(0.65);
    assertThat(stats.bytes()).isLessThanOrEqualTo(4L * FILE_BYTES);
  }
}
