package io.tributary.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Landing events kept in memory and delivered to subscribers on the publishing thread. */
final class RecordingLandingEvents implements LandingEvents {
  private final List<LandingEvent> published = new CopyOnWriteArrayList<>();
  private final List<Consumer<LandingEvent>> subscribers = new CopyOnWriteArrayList<>();

  @Override
  public void publish(LandingEvent event) {
    published.add(event);
    subscribers.forEach(s -> s.accept(event));
  }

  @Override
  public void subscribe(Consumer<LandingEvent> subscriber) {
    subscribers.add(subscriber);
  }

  List<LandingEvent> published() {
    return new ArrayList<>(published);
  }

  @Override
  public void close() {}
}
