package io.tributary.server.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C / SIGTERM into an orderly stop: {@link #await()} returns when the JVM is asked to
 * stop, and the JVM waits (up to two minutes) until this signal is closed, i.e. until the resources
 * opened after it in the same try-with-resources are closed and buffers are flushed.
 */
final class ShutdownSignal implements AutoCloseable {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  ShutdownSignal() {
    hook =
        new Thread(
            () -> {
              requested.countDown();
              try {
                finished.await(2, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "tributary-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  void await() throws InterruptedException {
    requested.await();
  }

  @Override
  public void close() {
    finished.countDown();
    if (requested.getCount() > 0) {
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }
}
