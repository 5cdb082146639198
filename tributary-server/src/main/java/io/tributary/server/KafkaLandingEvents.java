package io.tributary.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tributary.batch.LandingEvent;
import io.tributary.batch.LandingEvents;
import io.tributary.core.ErrorCode;
import io.tributary.core.RetriableException;
import io.tributary.stream.StreamLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Landing events on the Kafka topic {@value #TOPIC} (one partition, so events stay in order), as
 * JSON: {@code {"source", "path", "size", "modified", "origin"}}. Other consumers (flows, audit)
 * may read the topic too.
 */
public final class KafkaLandingEvents implements LandingEvents {
  /** The landing topic. */
  public static final String TOPIC = "_tributary_landing";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLandingEvents.class);
  private static final String GROUP = "_tributary_crawler_events";
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final StreamLog log;
  private final List<Consumer<LandingEvent>> subscribers = new CopyOnWriteArrayList<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread poller;
  private volatile boolean closed;

  /** Creates the topic if missing. */
  public KafkaLandingEvents(StreamLog log) {
    this.log = Objects.requireNonNull(log, "log is null");
    log.ensureTopic(TOPIC, 1, 1 << 20);
  }

  @Override
  public void publish(LandingEvent event) {
    byte[] value;
    try {
      value = JSON.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize landing event " + event, e);
    }
    byte[] key = event.source().getBytes(StandardCharsets.UTF_8);
    try {
      log.producer().send(new ProducerRecord<>(TOPIC, key, value)).get(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(
          ErrorCode.INTERRUPTED, "Interrupted publishing a landing event", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new RetriableException(
          ErrorCode.BROKER_UNAVAILABLE,
          "Cannot publish the landing event of "
              + event.source()
              + "/"
              + event.path()
              + " to topic "
              + TOPIC
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void subscribe(Consumer<LandingEvent> subscriber) {
    subscribers.add(Objects.requireNonNull(subscriber, "subscriber is null"));
    if (poller != null) {
      return;
    }
    Map<String, Object> config = log.consumerProperties(GROUP);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    consumer = new KafkaConsumer<>(config);
    consumer.subscribe(List.of(TOPIC));
    poller = new Thread(this::poll, "landing-events");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    try {
      while (!closed) {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          LandingEvent event;
          try {
            event = JSON.readValue(record.value(), LandingEvent.class);
          } catch (IOException e) {
            LOG.warn("Skipping malformed landing event at offset {}: {}", record.offset(), e);
            continue;
          }
          for (Consumer<LandingEvent> subscriber : subscribers) {
            try {
              subscriber.accept(event);
            } catch (RuntimeException e) {
              LOG.warn("Landing event subscriber failed on {}: {}", event, e.toString());
            }
          }
        }
        if (!records.isEmpty()) {
          consumer.commitAsync();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("Landing event consumer stopped", e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    Thread thread;
    synchronized (this) {
      closed = true;
      thread = poller;
      if (consumer != null) {
        consumer.wakeup();
      }
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
