package io.tributary.server.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchIcebergTableException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.junit.jupiter.api.Test;

class IcebergErrorsTest {
  @Test
  void mapsIcebergExceptionsToTheSpecificationsStatuses() {
    assertThat(IcebergErrors.statusOf(new NoSuchNamespaceException("x"))).isEqualTo(404);
    assertThat(IcebergErrors.statusOf(new NoSuchTableException("x"))).isEqualTo(404);
    assertThat(IcebergErrors.statusOf(new NoSuchIcebergTableException("x"))).isEqualTo(404);
    assertThat(IcebergErrors.statusOf(new NoSuchViewException("x"))).isEqualTo(404);
    assertThat(IcebergErrors.statusOf(new NotFoundException("x"))).isEqualTo(404);
    assertThat(IcebergErrors.statusOf(new AlreadyExistsException("x"))).isEqualTo(409);
    assertThat(IcebergErrors.statusOf(new NamespaceNotEmptyException("x"))).isEqualTo(409);
    assertThat(IcebergErrors.statusOf(new CommitFailedException("x"))).isEqualTo(409);
    assertThat(IcebergErrors.statusOf(new CommitStateUnknownException(new RuntimeException())))
        .isEqualTo(500);
    assertThat(IcebergErrors.statusOf(new ValidationException("x"))).isEqualTo(400);
    assertThat(IcebergErrors.statusOf(new BadRequestException("x"))).isEqualTo(400);
    assertThat(IcebergErrors.statusOf(new IllegalArgumentException("x"))).isEqualTo(400);
    assertThat(IcebergErrors.statusOf(new UnsupportedOperationException("x"))).isEqualTo(406);
    assertThat(IcebergErrors.statusOf(new IllegalStateException("x"))).isEqualTo(500);
  }

  @Test
  void errorBodiesNameTheTypeClientsMatchOnAndHideInternals() {
    ErrorResponse missing = IcebergErrors.toResponse(new NoSuchNamespaceException("No ns: a"));
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.type()).isEqualTo("NoSuchNamespaceException");
    assertThat(missing.message()).isEqualTo("No ns: a");
    assertThat(missing.stack()).isNullOrEmpty();

    ErrorResponse internal =
        IcebergErrors.toResponse(new IllegalStateException("jdbc:secret://host"));
    assertThat(internal.code()).isEqualTo(500);
    assertThat(internal.message()).doesNotContain("secret");
  }
}
