package io.tributary.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.OverloadedException;
import io.tributary.core.RetryLaterException;
import io.tributary.core.config.TributaryConfig;
import io.tributary.stream.IngestResult.RecordError;
import io.tributary.stream.RecordSplitter.Failure;
import io.tributary.stream.RecordSplitter.Slices;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The logic of {@code POST /v1/streams/{name}/records}: splits a request body into JSON records,
 * checks each one, produces the good ones to the stream's topic and answers once Kafka has
 * acknowledged them ({@code acks=all}). Bad records fail alone; the request fails as a whole only
 * when it breaks a request-level limit.
 *
 * <p>Memory is bounded: request bodies being processed share a budget of {@code
 * ingest.buffer-memory} bytes; when it is spent, requests fail with {@link OverloadedException}
 * before any of their records is accepted. Thread-safe.
 */
public final class IngestGateway {
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final String BROKER_UNAVAILABLE = ErrorCode.BROKER_UNAVAILABLE.code();
  private static final int INITIAL_BODY_BYTES = 64 << 10;
  private static final List<String> NDJSON_TYPES =
      List.of("application/x-ndjson", "application/jsonl", "application/json-lines");
  private static final String JSON_TYPE = "application/json";

  private final StreamRegistry streams;
  private final StreamLog log;
  private final TributaryConfig.Ingest limits;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Semaphore budget;
  private final RecordSplitter splitter;
  private final Map<String, StreamMeters> streamMeters = new ConcurrentHashMap<>();

  private record StreamMeters(Counter recordsIn, Counter bytes) {}

  public IngestGateway(
      StreamRegistry streams,
      StreamLog log,
      TributaryConfig.Ingest limits,
      MeterRegistry meters,
      Clock clock) {
    this.streams = Objects.requireNonNull(streams, "streams is null");
    this.log = Objects.requireNonNull(log, "log is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.meters = Objects.requireNonNull(meters, "meters is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.splitter = new RecordSplitter(limits.maxRecordBytes(), limits.maxNestingDepth());
    this.budget = new Semaphore((int) Math.min(limits.bufferMemory(), Integer.MAX_VALUE));
  }

  /**
   * Ingests the records in {@code body} into {@code stream}.
   *
   * @param contentType {@code application/x-ndjson} (also {@code application/jsonl}, {@code
   *     application/json-lines}): one JSON object per line; {@code application/json}: an array of
   *     objects, or one object
   * @throws NotFoundException if the stream does not exist
   * @throws InvalidInputException for request-level errors, by code: {@code
   *     unsupported_media_type}, {@code empty_request}, {@code request_too_large}, {@code
   *     too_many_records}, {@code invalid_json} (a JSON body whose structure cannot be read)
   * @throws OverloadedException when the gateway or the producer has no room; nothing was accepted
   * @throws RetryLaterException {@code broker_unavailable} when Kafka acknowledged none of the
   *     records because it cannot take writes (no leader, too few in-sync replicas, timed out)
   * @throws OutcomeUnknownException when interrupted while waiting for Kafka
   */
  public IngestResult ingest(String stream, String contentType, InputStream body) {
    return ingest(stream, contentType, body, -1);
  }

  /**
   * Ingests the records in {@code body}, whose length is known (HTTP {@code Content-Length}): the
   * body is read into one buffer of that size, and nothing past it is read. As {@link
   * #ingest(String, String, InputStream)} otherwise.
   *
   * @param contentLength the body's length in bytes, or -1 if unknown
   */
  public IngestResult ingest(
      String stream, String contentType, InputStream body, long contentLength) {
    if (streams.get(stream).isEmpty()) {
      throw new NotFoundException("stream", stream);
    }
    return accept(stream, null, contentType, body, contentLength);
  }

  /** Gives the Kafka key of a record, from its JSON bytes {@code [start, end)}; null for none. */
  public interface RecordKeyer {
    byte[] keyOf(byte[] bytes, int start, int end);
  }

  /**
   * Publishes the records in {@code body} to a Kafka topic that the caller has checked exists (a
   * topic of functions, not a stream), with the same parsing, limits and per-record results as
   * {@link #ingest(String, String, InputStream, long)}.
   *
   * @param keyer the Kafka key of each record, or {@code null} for none
   */
  public IngestResult publish(
      String topic, RecordKeyer keyer, String contentType, InputStream body, long contentLength) {
    return accept(topic, keyer, contentType, body, contentLength);
  }

  private IngestResult accept(
      String stream, RecordKeyer keyer, String contentType, InputStream body, long contentLength) {
    boolean ndjson = isNdjson(contentType);
    Body request = new Body();
    try {
      read(body, contentLength, request);
      Slices slices =
          ndjson
              ? splitter.splitLines(request.bytes, request.length)
              : splitter.splitArray(request.bytes, request.length);
      if (slices.count() == 0) {
        throw new InvalidInputException(
            ErrorCode.EMPTY_REQUEST, "The request has no records: send at least one JSON object");
      }
      if (slices.count() > limits.maxRecordsPerRequest()) {
        throw new InvalidInputException(
            ErrorCode.TOO_MANY_RECORDS,
            "The request has "
                + slices.count()
                + " records, more than the limit of "
                + limits.maxRecordsPerRequest()
                + " (ingest.max-records-per-request): split it into smaller requests");
      }
      return produce(stream, keyer, request.bytes, slices);
    } finally {
      budget.release(request.permits);
    }
  }

  /** A request body read into memory, and the budget permits it holds. */
  private static final class Body {
    byte[] bytes = new byte[0];
    int length;
    int permits;
  }

  /**
   * Reads the body, never more than the request limit, taking budget for the whole body when its
   * length is known, else as the buffer grows.
   */
  private void read(InputStream in, long contentLength, Body body) {
    int limit = (int) limits.maxRequestBytes();
    if (contentLength > limit) {
      throw tooLarge(limit);
    }
    try {
      if (contentLength >= 0) {
        take(body, (int) contentLength);
        body.length = in.readNBytes(body.bytes, 0, body.bytes.length);
        return;
      }
      while (true) {
        if (body.length == body.bytes.length) {
          if (body.length == limit) {
            if (in.read() < 0) {
              return;
            }
            throw tooLarge(limit);
          }
          take(body, (int) Math.min(limit, Math.max(INITIAL_BODY_BYTES, 2L * body.length)));
        }
        int n = in.read(body.bytes, body.length, body.bytes.length - body.length);
        if (n < 0) {
          return;
        }
        body.length += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request body: " + e.getMessage(), e);
    }
  }

  /** Grows the body's buffer to {@code capacity} bytes, taking budget for them. */
  private void take(Body body, int capacity) {
    if (!budget.tryAcquire(capacity - body.permits)) {
      throw new OverloadedException(
          "The ingest gateway is at its memory limit ("
              + limits.bufferMemory()
              + " bytes of requests in progress, ingest.buffer-memory): retry shortly",
          RETRY_AFTER);
    }
    body.permits = capacity;
    body.bytes = Arrays.copyOf(body.bytes, capacity);
  }

  private static InvalidInputException tooLarge(int limit) {
    return new InvalidInputException(
        ErrorCode.REQUEST_TOO_LARGE,
        "The request body is larger than the limit of "
            + limit
            + " bytes (ingest.max-request-bytes): split it into smaller requests");
  }

  /**
   * Sends every acceptable record, then waits for all acknowledgements. If the producer has no room
   * before anything was sent, the request fails as overloaded; later, the remaining records fail
   * alone.
   */
  private IngestResult produce(String stream, RecordKeyer keyer, byte[] bytes, Slices slices) {
    Producer<byte[], byte[]> producer = log.producer();
    long timestamp = clock.millis();
    List<RecordError> errors = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Future<RecordMetadata>[] sent = new Future[slices.count()];
    int sentCount = 0;
    Failure stop = null;
    Failure[] checked = splitter.checkAll(bytes, slices);
    for (int i = 0; i < slices.count(); i++) {
      int start = slices.starts()[i];
      int end = slices.ends()[i];
      Failure failure = checked[i];
      if (failure == null && stop != null) {
        failure = stop;
      }
      if (failure == null) {
        Future<RecordMetadata> future =
            producer.send(
                new ProducerRecord<>(
                    stream,
                    null,
                    timestamp,
                    keyer == null ? null : keyer.keyOf(bytes, start, end),
                    Arrays.copyOfRange(bytes, start, end)));
        failure = future.isDone() ? failureOf(future) : null;
        if (failure == null) {
          sent[i] = future;
          sentCount++;
        } else if (failure.code().equals("overloaded") && sentCount == 0) {
          throw new OverloadedException(
              "The Kafka producer buffer is full (ingest.buffer-memory): retry shortly",
              RETRY_AFTER);
        } else if (!failure.code().equals("record_too_large")) {
          stop = failure;
        }
      }
      if (failure != null) {
        errors.add(new RecordError(i, failure.code(), failure.message()));
      }
    }
    long acceptedBytes = 0;
    boolean interrupted = false;
    for (int i = 0; i < slices.count(); i++) {
      if (sent[i] == null) {
        continue;
      }
      Failure failure;
      try {
        sent[i].get();
        failure = null;
      } catch (InterruptedException e) {
        interrupted = true;
        failure = null;
      } catch (ExecutionException e) {
        failure = failureOf(e.getCause());
      }
      if (failure == null) {
        acceptedBytes += slices.ends()[i] - slices.starts()[i];
      } else {
        errors.add(new RecordError(i, failure.code(), failure.message()));
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException(
          "Interrupted while waiting for Kafka to acknowledge records of stream '"
              + stream
              + "': some may have been written",
          null);
    }
    errors.sort(Comparator.comparingInt(RecordError::index));
    int accepted = slices.count() - errors.size();
    StreamMeters counters =
        streamMeters.computeIfAbsent(
            stream,
            name ->
                new StreamMeters(
                    meters.counter("tributary.records.in", "stream", name),
                    meters.counter("tributary.ingest.bytes", "stream", name)));
    counters.recordsIn().increment(accepted);
    counters.bytes().increment(acceptedBytes);
    for (RecordError error : errors) {
      meters
          .counter("tributary.records.failed", "stream", stream, "code", error.code())
          .increment();
    }
    if (accepted == 0 && errors.stream().anyMatch(e -> e.code().equals(BROKER_UNAVAILABLE))) {
      // the cluster cannot take writes now: the whole request is to be sent again, after a while
      throw new RetryLaterException(
          ErrorCode.BROKER_UNAVAILABLE,
          "Kafka cannot take the records of '"
              + stream
              + "' now (none was acknowledged; some may have been written): retry the request"
              + " shortly. "
              + errors.stream()
                  .filter(e -> e.code().equals(BROKER_UNAVAILABLE))
                  .findFirst()
                  .orElseThrow()
                  .message(),
          RETRY_AFTER,
          null);
    }
    return new IngestResult(accepted, errors.size(), errors);
  }

  private static Failure failureOf(Future<RecordMetadata> done) {
    try {
      done.get();
      return null;
    } catch (ExecutionException e) {
      return failureOf(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException("Interrupted while sending to Kafka", e);
    }
  }

  private static Failure failureOf(Throwable error) {
    if (error instanceof BufferExhaustedException) {
      return new Failure(
          "overloaded", "The Kafka producer buffer is full (ingest.buffer-memory): retry shortly");
    }
    if (error instanceof RecordTooLargeException) {
      return new Failure("record_too_large", "Kafka refused the record: " + error.getMessage());
    }
    if (error instanceof TimeoutException || error instanceof RetriableException) {
      return new Failure(
          BROKER_UNAVAILABLE, "Kafka did not acknowledge the record: " + error.getMessage());
    }
    return new Failure("broker_error", "Kafka refused the record: " + error.getMessage());
  }

  private static boolean isNdjson(String contentType) {
    String type =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (NDJSON_TYPES.contains(type)) {
      return true;
    }
    if (type.equals(JSON_TYPE)) {
      return false;
    }
    throw new InvalidInputException(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Unsupported content type '"
            + contentType
            + "': send "
            + String.join(", ", NDJSON_TYPES)
            + " (one JSON object per line) or "
            + JSON_TYPE
            + " (an array of objects, or one object)");
  }
}
