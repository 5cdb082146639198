package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.EventGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * NDJSON request bodies of {@link #BATCH} events, built from {@link #POOL_BATCHES} generated
 * batches: body {@code b} is pool batch {@code b % POOL_BATCHES} with {@code "bench_batch": b} in
 * every event, written into a space-padded slot, so any number of batches costs no memory.
 */
final class Bodies {
  /** Events in one body. */
  static final int BATCH = 500;

  /** Distinct generated batches; longer runs reuse them with their own batch numbers. */
  static final int POOL_BATCHES = 100;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FIELD = ",\"bench_batch\":".getBytes(StandardCharsets.UTF_8);
  private static final int SLOT = 10;

  private final List<ObjectNode> events = new ArrayList<>();
  private final List<byte[]> templates = new ArrayList<>();
  private final List<int[]> slots = new ArrayList<>();

  Bodies(EventGenerator generator) throws IOException {
    for (int b = 0; b < POOL_BATCHES; b++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      int[] positions = new int[BATCH];
      for (int i = 0; i < BATCH; i++) {
        ObjectNode event = generator.next();
        events.add(event);
        byte[] json = JSON.writeValueAsBytes(event);
        body.write(json, 0, json.length - 1); // without its closing brace
        body.write(FIELD);
        positions[i] = body.size();
        body.write(" ".repeat(SLOT).getBytes(StandardCharsets.UTF_8));
        body.write('}');
        body.write('\n');
      }
      templates.add(body.toByteArray());
      slots.add(positions);
    }
  }

  /** The generated events, without their batch numbers. */
  List<ObjectNode> events() {
    return Collections.unmodifiableList(events);
  }

  /** Bytes of the pooled bodies. */
  long bytes() {
    return templates.stream().mapToLong(t -> t.length).sum();
  }

  byte[] body(int batch) {
    byte[] body = templates.get(batch % POOL_BATCHES).clone();
    byte[] digits = Integer.toString(batch).getBytes(StandardCharsets.US_ASCII);
    for (int position : slots.get(batch % POOL_BATCHES)) {
      System.arraycopy(digits, 0, body, position + SLOT - digits.length, digits.length);
    }
    return body;
  }

  /** Body {@code batch} as its {@link #BATCH} records, one JSON object each. */
  List<byte[]> records(int batch) {
    byte[] body = body(batch);
    List<byte[]> records = new ArrayList<>(BATCH);
    int start = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == '\n') {
        records.add(Arrays.copyOfRange(body, start, i));
        start = i + 1;
      }
    }
    return records;
  }
}
