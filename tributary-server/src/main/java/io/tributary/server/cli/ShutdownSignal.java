package io.tributary.server.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Turns Ctrl-C / SIGTERM into an orderly stop: {@link #await()} returns on the first signal, so the
 * caller closes what it opened (flushing delivery buffers) before the JVM starts shutting down —
 * JVM shutdown hooks would run concurrently with the flush and stop libraries' thread pools under
 * it. A second signal exits at once.
 */
public final class ShutdownSignal implements AutoCloseable {
  private final CountDownLatch requested = new CountDownLatch(1);

  public ShutdownSignal() {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            if (requested.getCount() == 0) {
              Runtime.getRuntime().halt(128 + signal.getNumber());
            }
            requested.countDown();
          });
    }
  }

  public void await() throws InterruptedException {
    requested.await();
  }

  /** Waits for the first signal, at most {@code timeout}; whether a signal came. */
  public boolean await(Duration timeout) throws InterruptedException {
    return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    // the process exits when the command returns
  }
}
