package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.access.AccessListener;
import io.tributary.access.AccessState;
import io.tributary.access.Grant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncAccessListenerTest {
  private static AccessState state(String stream) {
    return new AccessState(
        Map.of(),
        Map.of(),
        Map.of(),
        Set.of(Grant.parse("user:ana", "ingest", "stream:" + stream)),
        Map.of());
  }

  /** A mirror that blocks until released, then records what it applied. */
  private static final class BlockingMirror implements AccessListener {
    final CountDownLatch release = new CountDownLatch(1);
    final List<AccessState> applied = new CopyOnWriteArrayList<>();

    @Override
    public void changed(AccessState state) {
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      applied.add(state);
    }

    @Override
    public void passwordSet(String user, String password) {}
  }

  @Test
  void anAccessChangeReturnsAtOnceWhileTheMirrorBlocksAndTheMirrorConvergesToTheNewestState() {
    BlockingMirror mirror = new BlockingMirror();
    try (AsyncAccessListener listener =
        new AsyncAccessListener("fake", mirror, Duration.ofMillis(10), Duration.ofMillis(50))) {
      long started = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        listener.changed(state("s" + i));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(listener.lag()).isEqualTo(5);

      mirror.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.lag() == 0);
      assertThat(mirror.applied.get(mirror.applied.size() - 1)).isEqualTo(state("s4"));
      assertThat(mirror.applied.size()).isLessThanOrEqualTo(2); // superseded states are skipped
    }
  }

  @Test
  void aFailingMirrorIsRetriedInOrderUntilItSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    List<AccessState> applied = new CopyOnWriteArrayList<>();
    AccessListener flaky =
        new AccessListener() {
          @Override
          public void changed(AccessState state) {
            if (attempts.incrementAndGet() <= 3) {
              throw new IllegalStateException("Kafka did not answer within 30s");
            }
            applied.add(state);
          }

          @Override
          public void passwordSet(String user, String password) {}
        };
    try (AsyncAccessListener listener =
        new AsyncAccessListener("flaky", flaky, Duration.ofMillis(10), Duration.ofMillis(40))) {
      listener.changed(state("orders"));
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.lag() == 0);
      assertThat(attempts.get()).isEqualTo(4);
      assertThat(applied).containsExactly(state("orders"));

      listener.changed(state("payments"));
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.lag() == 0);
      assertThat(applied).containsExactly(state("orders"), state("payments"));
    }
  }
}
