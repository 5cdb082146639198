package io.tributary.amp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Who follows which creator, and the notifications a show going live sends them: when a show gets
 * its first listener (and has not notified in the last hour), every follower of its creator gets a
 * notification; some open it, and some of those tune in to the show right after. The opens and
 * tune-ins wait here, in order, until the generator emits them.
 *
 * <p>Each creator starts with a few followers drawn from the seed, and gains those who follow them
 * during the simulation, up to {@value #MAX_FOLLOWERS}. At most {@value #MAX_PENDING} opens and
 * tune-ins wait at a time; more are dropped, so memory stays bounded. Not thread-safe.
 */
final class Notifications {
  /** What waits: a user opening a notification of a show, or tuning in to it after opening. */
  record Pending(boolean tuneIn, int user, int show, String channel) {}

  private static final double INITIAL_FOLLOWER_SHARE = 0.002;
  private static final int MAX_FOLLOWERS = 256;
  private static final int MAX_PENDING = 500;
  private static final double OPEN_RATE = 0.12;
  private static final double TUNE_IN_RATE = 0.4;
  private static final Duration RENOTIFY_AFTER = Duration.ofHours(1);
  private static final Weighted<String> CHANNELS =
      Weighted.of(List.of("push", "email", "sms"), 80, 15, 5);

  private final long seed;
  private final int users;
  private final Map<String, LinkedHashSet<Integer>> followers = new HashMap<>();
  private final Map<Integer, Instant> notifiedAt = new HashMap<>();
  private final Deque<Pending> pending = new ArrayDeque<>();

  Notifications(long seed, int users) {
    this.seed = seed;
    this.users = users;
  }

  /** Records that user {@code user} (zero-based) follows {@code creatorId}. */
  void follow(String creatorId, int user) {
    LinkedHashSet<Integer> set = followersOf(creatorId);
    if (set.size() < MAX_FOLLOWERS) {
      set.add(user);
    }
  }

  /**
   * Show {@code show} of {@code creatorId} got its first listener at {@code ts}: its creator's
   * followers other than {@code host} (zero-based, or -1) are notified, unless the show notified
   * within the last hour.
   */
  void wentLive(int show, String creatorId, int host, Instant ts, SplittableRandom random) {
    Instant last = notifiedAt.get(show);
    if (last != null && ts.isBefore(last.plus(RENOTIFY_AFTER))) {
      return;
    }
    notifiedAt.put(show, ts);
    List<Pending> tuneIns = new ArrayList<>();
    for (int user : followersOf(creatorId)) {
      if (user == host || random.nextDouble() >= OPEN_RATE) {
        continue;
      }
      String channel = CHANNELS.pick(random);
      offer(new Pending(false, user, show, channel));
      if (random.nextDouble() < TUNE_IN_RATE) {
        tuneIns.add(new Pending(true, user, show, channel));
      }
    }
    tuneIns.forEach(this::offer);
  }

  /** The next open or tune-in to emit, or null if none waits. */
  Pending poll() {
    return pending.pollFirst();
  }

  /** Whether an open or tune-in waits. */
  boolean hasPending() {
    return !pending.isEmpty();
  }

  private void offer(Pending next) {
    if (pending.size() < MAX_PENDING) {
      pending.addLast(next);
    }
  }

  private LinkedHashSet<Integer> followersOf(String creatorId) {
    return followers.computeIfAbsent(creatorId, this::initialFollowers);
  }

  /** A creator's followers at the start: about {@value #INITIAL_FOLLOWER_SHARE} of the users. */
  private LinkedHashSet<Integer> initialFollowers(String creatorId) {
    SplittableRandom random = new SplittableRandom(seed ^ (31L * creatorId.hashCode() + 17));
    int count =
        (int) Math.min(MAX_FOLLOWERS, Math.max(1, Math.round(users * INITIAL_FOLLOWER_SHARE)));
    LinkedHashSet<Integer> set = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      set.add(random.nextInt(users));
    }
    return set;
  }
}
