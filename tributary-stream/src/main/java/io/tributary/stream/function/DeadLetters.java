package io.tributary.stream.function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The dead-letter record of a message a function could not handle: where it came from, why it
 * failed, after how many attempts, and the message itself.
 */
final class DeadLetters {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String function;

  DeadLetters(String function) {
    this.function = function;
  }

  ObjectNode letter(
      ConsumerRecord<byte[], byte[]> record,
      String code,
      String reason,
      int attempts,
      Instant first,
      Instant failed) {
    ObjectNode letter = JSON.createObjectNode();
    letter.put("function", function);
    letter.put("topic", record.topic());
    letter.put("partition", record.partition());
    letter.put("offset", record.offset());
    letter.put("key", record.key() == null ? null : text(record.key()));
    letter.put("error_code", code);
    letter.put("error", reason);
    letter.put("attempts", attempts);
    letter.put("first_attempt_at", first.toString());
    letter.put("failed_at", failed.toString());
    letter.put("published_at", Instant.ofEpochMilli(record.timestamp()).toString());
    letter.put("message", record.value() == null ? null : text(record.value()));
    return letter;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
