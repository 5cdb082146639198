package io.tributary.batch;

import java.util.function.Consumer;

/**
 * Where landing events go: a Kafka topic in the platform (the server's {@code KafkaLandingEvents},
 * where the platform is assembled), anything that delivers them in order to its subscribers in
 * tests.
 */
public interface LandingEvents extends AutoCloseable {
  /** Publishes one event; returns once it is durable (or fails). */
  void publish(LandingEvent event);

  /** Calls {@code subscriber} for every event published from now on, on a background thread. */
  void subscribe(Consumer<LandingEvent> subscriber);

  @Override
  void close();
}
