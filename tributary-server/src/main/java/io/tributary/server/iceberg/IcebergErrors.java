package io.tributary.server.iceberg;

import io.tributary.core.TributaryException;
import java.io.EOFException;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.responses.ErrorResponse;

/**
 * The one mapping from Iceberg's exception types to the REST catalog specification's status codes.
 * The error's {@code type} is the exception's simple class name: Iceberg clients use it to tell,
 * for example, a missing namespace from a missing table (both 404).
 */
final class IcebergErrors {
  /** Checked in order: the first matching type decides the status. */
  private static final List<Map.Entry<Class<? extends Exception>, Integer>> STATUSES =
      List.of(
          Map.entry(NoSuchNamespaceException.class, 404),
          Map.entry(NoSuchTableException.class, 404),
          Map.entry(NoSuchViewException.class, 404),
          Map.entry(NotFoundException.class, 404),
          Map.entry(NamespaceNotEmptyException.class, 409),
          Map.entry(AlreadyExistsException.class, 409),
          Map.entry(CommitFailedException.class, 409),
          Map.entry(CommitStateUnknownException.class, 500),
          Map.entry(ValidationException.class, 400),
          Map.entry(BadRequestException.class, 400),
          Map.entry(IllegalArgumentException.class, 400),
          Map.entry(NotAuthorizedException.class, 401),
          Map.entry(ForbiddenException.class, 403),
          Map.entry(UnsupportedOperationException.class, 406),
          Map.entry(UnprocessableEntityException.class, 422),
          Map.entry(ServiceUnavailableException.class, 503));

  private IcebergErrors() {}

  /** The HTTP status for this failure; 500 for anything unexpected. */
  static int statusOf(Throwable error) {
    if (endedEarly(error)) {
      return 400; // the body ended before its Content-Length: the client's fault
    }
    if (error instanceof TributaryException tributary) {
      return tributary.errorCode().httpStatus(); // the platform's own, such as 403 forbidden
    }
    for (Map.Entry<Class<? extends Exception>, Integer> entry : STATUSES) {
      if (entry.getKey().isInstance(error)) {
        return entry.getValue();
      }
    }
    return 500;
  }

  private static boolean endedEarly(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  /** The specification's error body for this failure. No stack trace: it is not for clients. */
  static ErrorResponse toResponse(Throwable error) {
    int status = statusOf(error);
    String message = error.getMessage();
    if (endedEarly(error)) {
      message = "The request body ended before its Content-Length: send the whole body";
    } else if (status == 500 && !(error instanceof CommitStateUnknownException)) {
      message = "Internal error: " + error.getClass().getSimpleName();
    }
    return ErrorResponse.builder()
        .responseCode(status)
        .withType(error.getClass().getSimpleName())
        .withMessage(message == null ? error.getClass().getSimpleName() : message)
        .build();
  }
}
