package io.tributary.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.StreamSpec;
import io.tributary.stream.IngestGateway;
import io.tributary.stream.IngestResult;
import io.tributary.stream.StreamRegistry;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Logs exposures through the platform's ingest path into the stream {@code experiment_exposures}
 * (delivered to {@code raw.experiment_exposures}), creating the stream on first use.
 */
public final class StreamExposureLog implements ExposureLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StreamRegistry streams;
  private final IngestGateway gateway;
  private final Duration flushInterval;

  /**
   * @param flushInterval how long delivery buffers exposures before committing them
   */
  public StreamExposureLog(StreamRegistry streams, IngestGateway gateway, Duration flushInterval) {
    this.streams = Objects.requireNonNull(streams, "streams is null");
    this.gateway = Objects.requireNonNull(gateway, "gateway is null");
    this.flushInterval = Objects.requireNonNull(flushInterval, "flushInterval is null");
  }

  @Override
  public void log(Map<String, Object> event) {
    if (streams.get(ExperimentSpec.EXPOSURE_STREAM).isEmpty()) {
      streams.put(
          new StreamSpec(
              ExperimentSpec.EXPOSURE_STREAM,
              1,
              ExperimentSpec.EXPOSURE_TABLE,
              new StreamSpec.Buffer(flushInterval, StreamSpec.Buffer.DEFAULT.sizeBytes()),
              StreamSpec.Transform.NONE,
              List.of()));
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write an exposure event: " + e.getMessage(), e);
    }
    IngestResult result =
        gateway.ingest(
            ExperimentSpec.EXPOSURE_STREAM,
            "application/x-ndjson",
            new ByteArrayInputStream(body),
            body.length);
    if (result.failed() > 0) {
      throw new InvalidInputException(
          ErrorCode.ROW_REJECTED,
          "The exposure event was refused: " + result.errors().get(0).message());
    }
  }
}
