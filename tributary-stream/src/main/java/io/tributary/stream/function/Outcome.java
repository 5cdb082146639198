package io.tributary.stream.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What became of one message: the records it emits, or the dead letter it became, and the Kafka key
 * of both.
 */
record Outcome(List<Handler.Emit> emits, ObjectNode deadLetter, byte[] key) {
  private static final ObjectWriter JSON = new ObjectMapper().writer();

  /**
   * The values of the records to produce, as bytes: one per emit, in order, then the dead letter if
   * any. Encoded by the lane that handled the message, so the transaction loop only sends.
   */
  byte[][] encode() {
    byte[][] values = new byte[emits.size() + (deadLetter == null ? 0 : 1)][];
    int i = 0;
    for (Handler.Emit emit : emits) {
      values[i++] = bytes(emit.value());
    }
    if (deadLetter != null) {
      values[i] = bytes(deadLetter);
    }
    return values;
  }

  private static byte[] bytes(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize a JSON tree", e);
    }
  }
}
