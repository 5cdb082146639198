package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.OverloadedException;
import io.tributary.core.PlatformException;
import io.tributary.core.RetriableException;
import io.tributary.core.RetryLaterException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpApiStatusTest {
  @Test
  void mapsEachErrorTypeToOneStatus() {
    assertThat(HttpApi.statusOf(new InvalidInputException(ErrorCode.INVALID_JSON, "x")))
        .isEqualTo(400);
    assertThat(HttpApi.statusOf(new InvalidInputException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "x")))
        .isEqualTo(415);
    assertThat(HttpApi.statusOf(new InvalidInputException(ErrorCode.REQUEST_TOO_LARGE, "x")))
        .isEqualTo(413);
    assertThat(HttpApi.statusOf(new NotFoundException("stream", "s"))).isEqualTo(404);
    assertThat(HttpApi.statusOf(new OverloadedException("busy", Duration.ofSeconds(1))))
        .isEqualTo(429);
    assertThat(HttpApi.statusOf(new RetriableException(ErrorCode.BROKER_UNAVAILABLE, "x", null)))
        .isEqualTo(503);
    assertThat(
            HttpApi.statusOf(
                new RetryLaterException(
                    ErrorCode.BROKER_UNAVAILABLE, "x", Duration.ofSeconds(1), null)))
        .isEqualTo(503);
    assertThat(HttpApi.statusOf(new RetriableException(ErrorCode.QUERY_TIMEOUT, "x", null)))
        .isEqualTo(408);
    assertThat(HttpApi.statusOf(new OutcomeUnknownException("x", null))).isEqualTo(504);
    assertThat(HttpApi.statusOf(new InvalidInputException(ErrorCode.NAME_TAKEN, "x")))
        .isEqualTo(409);
    assertThat(HttpApi.statusOf(new PlatformException(ErrorCode.PORT_UNAVAILABLE, "x", null)))
        .isEqualTo(500);
  }
}
