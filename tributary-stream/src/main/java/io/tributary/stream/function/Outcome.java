package io.tributary.stream.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What became of one message: the records it emits, or the dead letter it became, and the Kafka key
 * of both.
 */
record Outcome(List<Handler.Emit> emits, ObjectNode deadLetter, byte[] key) {}
