package io.tributary.flow.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The task instances of this node waiting for a slot of a pool, first come first served: when a try
 * of the pool ends, the first waiter is moved to now. A waiter still executing when woken (it has
 * just found the pool full) is marked, so that it comes back at once instead of sleeping.
 */
final class PoolWaiters {
  private final Map<String, Deque<String>> waiting = new HashMap<>();
  private final Set<String> woken = new HashSet<>();

  synchronized void add(String pool, String key) {
    Deque<String> queue = waiting.computeIfAbsent(pool, p -> new ArrayDeque<>());
    if (!queue.contains(key)) {
      queue.addLast(key);
    }
  }

  synchronized void remove(String pool, String key) {
    Deque<String> queue = waiting.get(pool);
    if (queue != null) {
      queue.remove(key);
    }
    woken.remove(key);
  }

  /** Whether {@code key} was woken while it executed (and clears the mark). */
  synchronized boolean takeWoken(String key) {
    return woken.remove(key);
  }

  /** Wakes the first waiter of {@code pool}, if any. */
  void wakeOne(String pool, RunEngine.Dispatcher dispatcher) {
    String key;
    synchronized (this) {
      Deque<String> queue = waiting.get(pool);
      key = queue == null ? null : queue.pollFirst();
      if (key == null) {
        return;
      }
      woken.add(key);
    }
    if (dispatcher.wake(key)) {
      synchronized (this) {
        woken.remove(key);
      }
    }
  }
}
