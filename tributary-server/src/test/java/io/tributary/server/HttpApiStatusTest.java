package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.OverloadedException;
import io.tributary.core.RetriableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpApiStatusTest {
  @Test
  void mapsEachErrorTypeToOneStatus() {
    assertThat(HttpApi.statusOf(new InvalidInputException("invalid_json", "x"))).isEqualTo(400);
    assertThat(HttpApi.statusOf(new InvalidInputException("unsupported_media_type", "x")))
        .isEqualTo(415);
    assertThat(HttpApi.statusOf(new InvalidInputException("request_too_large", "x")))
        .isEqualTo(413);
    assertThat(HttpApi.statusOf(new NotFoundException("stream", "s"))).isEqualTo(404);
    assertThat(HttpApi.statusOf(new OverloadedException("busy", Duration.ofSeconds(1))))
        .isEqualTo(429);
    assertThat(HttpApi.statusOf(new RetriableException("broker_unavailable", "x", null)))
        .isEqualTo(503);
    assertThat(HttpApi.statusOf(new RetriableException("query_timeout", "x", null))).isEqualTo(408);
    assertThat(HttpApi.statusOf(new OutcomeUnknownException("x", null))).isEqualTo(504);
  }
}
