package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
  @Test
  void wireCodesAreTheLowerCaseNames() {
    assertThat(ErrorCode.INVALID_JSON.code()).isEqualTo("invalid_json");
    assertThat(ErrorCode.NOT_FOUND.code()).isEqualTo("not_found");
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code))
        .allMatch(code -> code.matches("[a-z][a-z0-9_]*"))
        .doesNotHaveDuplicates();
  }

  @Test
  void eachCodeAnswersItsCategorysStatusUnlessItNamesItsOwn() {
    assertThat(ErrorCode.INVALID_REQUEST.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.REQUEST_TOO_LARGE.httpStatus()).isEqualTo(413);
    assertThat(ErrorCode.UNSUPPORTED_MEDIA_TYPE.httpStatus()).isEqualTo(415);
    assertThat(ErrorCode.NOT_FOUND.httpStatus()).isEqualTo(404);
    assertThat(ErrorCode.NAME_TAKEN.httpStatus()).isEqualTo(409);
    assertThat(ErrorCode.OVERLOADED.httpStatus()).isEqualTo(429);
    assertThat(ErrorCode.QUERY_TIMEOUT.httpStatus()).isEqualTo(408);
    assertThat(ErrorCode.COMMIT_CONFLICT.httpStatus()).isEqualTo(503);
    assertThat(ErrorCode.OUTCOME_UNKNOWN.httpStatus()).isEqualTo(504);
    assertThat(ErrorCode.PORT_UNAVAILABLE.httpStatus()).isEqualTo(500);
    assertThat(ErrorCode.INVALID_SECRET.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.ROTATION_FAILED.httpStatus()).isEqualTo(503);
    assertThat(ErrorCode.MASTER_KEY_INVALID.httpStatus()).isEqualTo(500);
  }

  @Test
  void exceptionsCarryTheirCodeAndRefuseCodesOfOtherCategories() {
    InvalidInputException invalid = new InvalidInputException(ErrorCode.INVALID_JSON, "bad");
    assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.code()).isEqualTo("invalid_json");
    assertThat(new OverloadedException("busy", Duration.ofSeconds(1)).errorCode())
        .isEqualTo(ErrorCode.OVERLOADED);
    assertThatThrownBy(() -> new InvalidInputException(ErrorCode.PORT_UNAVAILABLE, "taken"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PORT_UNAVAILABLE")
        .hasMessageContaining("InvalidInputException");
    assertThatThrownBy(() -> new RetriableException(ErrorCode.NOT_FOUND, "x", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
