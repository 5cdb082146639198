package io.tributary.stream;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one ingest request: how many records Kafka acknowledged, how many failed, and why
 * each failed one failed (ordered by index).
 */
public record IngestResult(int accepted, int failed, List<RecordError> errors) {
  /**
   * Why one record of a request was not accepted.
   *
   * @param index the record's position in the request, from 0 (NDJSON: counting non-blank lines)
   * @param code a stable code: {@code invalid_json}, {@code not_an_object}, {@code
   *     record_too_large}, {@code overloaded}, {@code broker_unavailable} or {@code broker_error}
   * @param message what is wrong, for people
   */
  public record RecordError(int index, String code, String message) {
    public RecordError {
      Objects.requireNonNull(code, "code is null");
      Objects.requireNonNull(message, "message is null");
    }
  }

  public IngestResult {
    errors = List.copyOf(errors);
    if (accepted < 0 || failed != errors.size()) {
      throw new IllegalArgumentException(
          "accepted " + accepted + " and failed " + failed + " do not match " + errors.size());
    }
  }
}
