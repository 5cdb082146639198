package io.tributary.amp;

/** The kinds of app events the simulator produces, with their {@code event_type} names. */
public enum EventType {
  /** A user starts listening to a live show. */
  LISTEN_START("listen_start"),
  /** A user stops listening; carries {@code listen_ms}. */
  LISTEN_END("listen_end"),
  /** A user likes the show. */
  LIKE("like"),
  /** A user follows the show's creator; carries {@code creator_id}. */
  FOLLOW("follow"),
  /** A user writes in the show's chat; carries {@code message_length} and {@code has_emoji}. */
  CHAT_MESSAGE("chat_message"),
  /** A user votes in a poll; carries {@code poll_id} and {@code option}. */
  POLL_VOTE("poll_vote"),
  /** A user asks to call in; carries {@code accepted}. */
  CALL_IN_REQUEST("call_in_request"),
  /** A user opts in to notifications; carries {@code channel} (push, email or sms). */
  NOTIFICATION_OPT_IN("notification_opt_in"),
  /**
   * A follower opens the notification that a show went live; carries {@code channel} (push, email
   * or sms) and the notification's id as {@code session_id}.
   */
  NOTIFICATION_OPEN("notification_open"),
  /** The player reports quality; carries the {@code playback} object. */
  PLAYBACK_METRICS("playback_metrics"),
  /** The host's app reports the current audience of a show; carries {@code listeners}. */
  LIVE_LISTEN_COUNT("live_listen_count");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The {@code event_type} value in the JSON event. */
  public String wireName() {
    return wireName;
  }
}
