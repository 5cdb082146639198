package io.tributary.amp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.Population.User;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Produces realistic app events of the live-audio app, one JSON object per {@link #next()} call.
 *
 * <p>Listeners come and go in sessions: a {@code listen_start}, then likes, chat messages, poll
 * votes, playback metrics and the like, then a {@code listen_end} with {@code listen_ms}. Shows are
 * picked by a Zipf-like popularity, a few heavy users listen far more than the rest, and users
 * listen mostly in the evening of their own time zone (judged by the event's {@code ts}). Users
 * have taste ({@code Tastes}): most of their sessions go to shows of their preferred categories.
 * Every 50th event is a {@code live_listen_count} from the host of a show with listeners. A show
 * going live (its first listener) notifies its creator's followers: some open the notification
 * ({@code notification_open}), and some of those start listening to the show right after.
 *
 * <p>Deterministic: the same {@link SimulatorConfig} and a clock giving the same instants yield the
 * same events. {@code ts} is the clock's instant, truncated to milliseconds; {@code listen_ms} is
 * simulated and does not depend on the clock. Not thread-safe.
 */
public final class EventGenerator {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int LISTEN_COUNT_EVERY = 50;
  private static final int MAX_SESSIONS = 1000;
  private static final long MIN_LISTEN_MS = 5_000;
  private static final long MAX_LISTEN_MS = 4 * 3_600_000;
  private static final double NOTIFICATION_SHARE = 0.2;

  private static final Weighted<EventType> ACTIONS =
      Weighted.of(
          List.of(
              EventType.PLAYBACK_METRICS,
              EventType.LIKE,
              EventType.CHAT_MESSAGE,
              EventType.POLL_VOTE,
              EventType.FOLLOW,
              EventType.NOTIFICATION_OPT_IN,
              EventType.CALL_IN_REQUEST),
          30,
          25,
          20,
          8,
          4,
          3,
          2);
  private static final Weighted<String> CHANNELS =
      Weighted.of(List.of("push", "email", "sms"), 70, 20, 10);
  private static final Weighted<String> POLL_OPTIONS =
      Weighted.of(List.of("A", "B", "C", "D"), 40, 30, 20, 10);
  private static final Weighted<Integer> MOBILE_BITRATES =
      Weighted.of(List.of(32, 64, 96, 128), 5, 35, 35, 25);
  private static final Weighted<Integer> WEB_BITRATES = Weighted.of(List.of(128, 192), 60, 40);

  private final SimulatorConfig config;
  private final Clock clock;
  private final Catalog catalog;
  private final Population population;
  private final Notifications notifications;
  private final Tastes tastes;
  private final SplittableRandom random;
  private final int targetSessions;
  private final List<Session> sessions = new ArrayList<>();
  private final BitSet listening = new BitSet();
  private final List<Show> shows;
  private final Set<String> showIds;
  private int[] listeners;
  private int[] polls;
  private long count;
  private int nextCountedShow;
  // the app's A/B experiment: who was exposed, who of them is treated, events to send next
  private final AppExperiment experiment;
  private final BitSet exposed = new BitSet();
  private final BitSet treated = new BitSet();
  private final ArrayDeque<ObjectNode> queued = new ArrayDeque<>();

  /**
   * Creates a generator of the world {@code config} describes, stamping events by {@code clock}.
   */
  public EventGenerator(SimulatorConfig config, Clock clock) {
    this(config, clock, AppExperiment.NONE);
  }

  /**
   * As {@link #EventGenerator(SimulatorConfig, Clock)}, running {@code experiment}: a user's first
   * session start is followed by an {@code experiment_exposure} event (with {@code experiment} and
   * {@code variant}), and each follow or like of an exposed treatment user is, with probability
   * {@code lift}, followed by one more (a follow of another show's creator, a like of the same
   * show): follows and likes per exposed user rise by {@code lift}.
   */
  public EventGenerator(SimulatorConfig config, Clock clock, AppExperiment experiment) {
    this.experiment = Objects.requireNonNull(experiment, "experiment is null");
    this.config = Objects.requireNonNull(config, "config is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.catalog = new Catalog(config.catalogSeed(), config.shows(), config.creators());
    this.population = new Population(config.seed(), config.users());
    this.notifications = new Notifications(config.seed(), config.users());
    this.tastes = new Tastes(config.seed(), catalog);
    this.random = new SplittableRandom(config.seed());
    this.targetSessions = Math.max(1, Math.min(MAX_SESSIONS, config.users() / 10));
    this.shows = new ArrayList<>(catalog.shows());
    this.showIds = new HashSet<>();
    shows.forEach(show -> showIds.add(show.showId()));
    this.listeners = new int[config.shows()];
    this.polls = new int[config.shows()];
  }

  /**
   * The initial show catalog, {@code show_0001} first; the same for the same catalog seed and
   * sizes.
   */
  public List<Show> shows() {
    return catalog.shows();
  }

  /**
   * Adds shows that appeared since (such as new shows of the show-catalog service), so they get
   * listeners too: each new show draws about an average show's share of new sessions. Shows already
   * known, and shows whose host is not a simulated user ({@code creator_N} with N at most the
   * number of users), are skipped. Returns how many were added.
   */
  public int addShows(Collection<Show> added) {
    int count = 0;
    for (Show show : added) {
      if (!showIds.contains(show.showId()) && hostNumber(show) > 0) {
        showIds.add(show.showId());
        shows.add(show);
        count++;
      }
    }
    if (shows.size() > listeners.length) {
      listeners = Arrays.copyOf(listeners, shows.size());
      polls = Arrays.copyOf(polls, shows.size());
    }
    return count;
  }

  /** The host's user number, or 0 if the show's creator is not a simulated user. */
  private int hostNumber(Show show) {
    String id = show.creatorId();
    if (!id.matches("creator_\\d{1,6}")) {
      return 0;
    }
    int number = Integer.parseInt(id.substring("creator_".length()));
    return number <= config.users() ? number : 0;
  }

  /** A show drawn by popularity; shows added later share in proportion to their number. */
  private int pickShow() {
    int initial = catalog.shows().size();
    int added = shows.size() - initial;
    if (added > 0 && random.nextInt(shows.size()) < added) {
      return initial + random.nextInt(added);
    }
    return catalog.pickShow(random);
  }

  /** The next event. */
  public ObjectNode next() {
    if (!queued.isEmpty()) {
      return queued.poll();
    }
    Instant ts = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    count++;
    if (count % LISTEN_COUNT_EVERY == 0) {
      ObjectNode listenCount = listenCount(ts);
      if (listenCount != null) {
        return listenCount;
      }
    }
    if (notifications.hasPending() && random.nextDouble() < NOTIFICATION_SHARE) {
      ObjectNode notified = notified(notifications.poll(), ts);
      if (notified != null) {
        return notified;
      }
    }
    if (sessions.isEmpty() || (sessions.size() < targetSessions && random.nextDouble() < 0.5)) {
      return startSession(ts);
    }
    int index = random.nextInt(sessions.size());
    Session session = sessions.get(index);
    if (session.actionsLeft == 0) {
      return endSession(index, ts);
    }
    session.actionsLeft--;
    return action(session, ts);
  }

  /**
   * A notification open, or the start of a session of a user who opened one; null if that user is
   * listening already.
   */
  private ObjectNode notified(Notifications.Pending pending, Instant ts) {
    User user = population.user(pending.user());
    if (pending.tuneIn()) {
      return listening.get(user.index()) ? null : startSession(user, pending.show(), ts);
    }
    ObjectNode event = event(EventType.NOTIFICATION_OPEN, ts, user, uuid(), pending.show());
    event.put("channel", pending.channel());
    return event;
  }

  private ObjectNode startSession(Instant ts) {
    User user = population.pickListener(random, ts, listening);
    return startSession(user, tastes.pick(user.index(), this::pickShow, shows, random), ts);
  }

  private ObjectNode startSession(User user, int show, Instant ts) {
    double heavyFactor = user.heavy() ? 2.5 : 1;
    long listenMs = Math.round(360_000 * heavyFactor * Math.exp(random.nextGaussian()));
    listenMs = Math.max(MIN_LISTEN_MS, Math.min(MAX_LISTEN_MS, listenMs));
    int actions = (int) Math.min(60, listenMs / 45_000 + random.nextInt(3));
    Session session = new Session(user, show, uuid(), actions, listenMs);
    sessions.add(session);
    listening.set(user.index());
    if (listeners[show]++ == 0) {
      Show entry = shows.get(show);
      notifications.wentLive(show, entry.creatorId(), hostNumber(entry) - 1, ts, random);
    }
    if (experiment.enabled() && !exposed.get(user.index())) {
      exposed.set(user.index());
      String variant = experiment.variant(user.id());
      treated.set(user.index(), variant.equals(AppExperiment.TREATMENT));
      ObjectNode exposure = event(EventType.LISTEN_START, ts, user, session.id, show);
      exposure.put("event_type", "experiment_exposure");
      exposure.put("event_id", uuid());
      exposure.put("experiment", experiment.name());
      exposure.put("variant", variant);
      queued.add(exposure);
    }
    return event(EventType.LISTEN_START, ts, user, session.id, show);
  }

  /** For an exposed treatment user, with probability {@code lift}, one more follow or like. */
  private void lift(EventType type, Session session, Instant ts) {
    if ((type != EventType.FOLLOW && type != EventType.LIKE)
        || !treated.get(session.user.index())
        || random.nextDouble() >= experiment.lift()) {
      return;
    }
    if (type == EventType.LIKE) {
      queued.add(event(EventType.LIKE, ts, session.user, session.id, session.show));
    } else {
      int other = pickShow();
      queued.add(event(EventType.FOLLOW, ts, session.user, session.id, other));
      notifications.follow(shows.get(other).creatorId(), session.user.index());
    }
  }

  private ObjectNode endSession(int index, Instant ts) {
    Session session = sessions.get(index);
    sessions.set(index, sessions.get(sessions.size() - 1));
    sessions.remove(sessions.size() - 1);
    listening.clear(session.user.index());
    listeners[session.show]--;
    ObjectNode event = event(EventType.LISTEN_END, ts, session.user, session.id, session.show);
    event.put("listen_ms", session.listenMs);
    return event;
  }

  private ObjectNode action(Session session, Instant ts) {
    EventType type = ACTIONS.pick(random);
    if ((type == EventType.FOLLOW && session.followed)
        || (type == EventType.NOTIFICATION_OPT_IN && session.optedIn)) {
      type = EventType.LIKE;
    }
    ObjectNode event = event(type, ts, session.user, session.id, session.show);
    lift(type, session, ts);
    switch (type) {
      case FOLLOW -> {
        session.followed = true;
        notifications.follow(shows.get(session.show).creatorId(), session.user.index());
      }
      case NOTIFICATION_OPT_IN -> {
        session.optedIn = true;
        event.put("channel", CHANNELS.pick(random));
      }
      case CHAT_MESSAGE -> {
        long length = Math.round(Math.exp(3 + 0.9 * random.nextGaussian()));
        event.put("message_length", (int) Math.max(1, Math.min(500, length)));
        event.put("has_emoji", random.nextDouble() < 0.3);
      }
      case POLL_VOTE -> {
        if (random.nextDouble() < 0.02) {
          polls[session.show]++;
        }
        event.put("poll_id", "poll_" + (session.show + 1) + "_" + (polls[session.show] + 1));
        event.put("option", POLL_OPTIONS.pick(random));
      }
      case CALL_IN_REQUEST -> event.put("accepted", random.nextDouble() < 0.15);
      case PLAYBACK_METRICS -> event.set("playback", playback(session.user));
      default -> {
        // LIKE carries no fields of its own
      }
    }
    return event;
  }

  private ObjectNode playback(User user) {
    ObjectNode playback = JsonNodeFactory.instance.objectNode();
    boolean web = user.device().os().equals("web");
    playback.put("bitrate_kbps", (web ? WEB_BITRATES : MOBILE_BITRATES).pick(random));
    double bufferMs =
        random.nextDouble() < 0.9
            ? -80 * Math.log(1 - random.nextDouble())
            : 500 + random.nextInt(3500);
    playback.put("buffer_ms", Math.round(bufferMs));
    playback.put("dropped_frames", random.nextDouble() < 0.85 ? 0 : 1 + random.nextInt(20));
    int latency = user.geo().latencyMs();
    playback.put("latency_ms", latency + random.nextInt(latency / 2 + 1));
    return playback;
  }

  /** A {@code live_listen_count} for the next show with listeners, or null if none has any. */
  private ObjectNode listenCount(Instant ts) {
    for (int step = 0; step < listeners.length; step++) {
      int show = (nextCountedShow + step) % listeners.length;
      if (listeners[show] > 0) {
        nextCountedShow = show + 1;
        Show entry = shows.get(show);
        int creator = hostNumber(entry);
        String broadcast =
            UUID.nameUUIDFromBytes(
                    ("broadcast:" + config.seed() + ":" + entry.showId())
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
        ObjectNode event =
            event(EventType.LIVE_LISTEN_COUNT, ts, population.user(creator - 1), broadcast, show);
        event.put("listeners", listeners[show]);
        return event;
      }
    }
    return null;
  }

  private ObjectNode event(EventType type, Instant ts, User user, String sessionId, int show) {
    Show entry = shows.get(show);
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("event_id", uuid());
    event.put("event_type", type.wireName());
    event.put("ts", TS.format(ts));
    event.put("user_id", user.id());
    event.put("session_id", sessionId);
    event.put("show_id", entry.showId());
    event.put("creator_id", entry.creatorId());
    event.set("device", user.device().toJson());
    event.set("geo", user.geo().toJson());
    return event;
  }

  /** A random (version 4) UUID drawn from the seeded source. */
  private String uuid() {
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** One user listening to one show. */
  private static final class Session {
    final User user;
    final int show;
    final String id;
    final long listenMs;
    int actionsLeft;
    boolean followed;
    boolean optedIn;

    Session(User user, int show, String id, int actionsLeft, long listenMs) {
      this.user = user;
      this.show = show;
      this.id = id;
      this.actionsLeft = actionsLeft;
      this.listenMs = listenMs;
    }
  }
}
