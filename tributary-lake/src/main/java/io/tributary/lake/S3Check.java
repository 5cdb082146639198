package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.TributaryException;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.LakeStorage;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The start-up check of the lake's S3 locations: writes and deletes a marker object under each
 * prefix ({@code lake.warehouse}, {@code landing}), so that a missing bucket, refused credentials
 * or an unreachable endpoint stop the start with the config key, its value and S3's answer (e.g.
 * {@code lake.warehouse s3://nobucket/x: bucket not found (NoSuchBucket)}) instead of failing every
 * delivery later. A secret access key not yet in the secret store skips the check with a warning
 * (the first start of a node, before {@code PUT /v1/secrets/<name>}).
 */
public final class S3Check {
  private static final Logger LOG = LoggerFactory.getLogger(S3Check.class);

  /** The folder of the marker objects under a checked prefix. */
  static final String MARKER_FOLDER = ".tributary-check";

  private S3Check() {}

  /**
   * Checks every S3 location of {@code lake}.
   *
   * @throws ConfigException naming the key, its value and the reason when one is not writable
   */
  public static void verify(Lake lake) {
    Objects.requireNonNull(lake, "lake is null");
    LakeStorage storage = lake.storage();
    Optional<S3Client> client = lake.s3Client();
    if (client.isEmpty()) {
      return;
    }
    if (!credentialsResolve(client.get())) {
      return;
    }
    if (storage.s3Warehouse() != null) {
      verify(client.get(), "lake.warehouse", storage.s3Warehouse(), storage.s3());
    }
    if (storage.s3Landing() != null) {
      verify(client.get(), "landing", storage.s3Landing(), storage.s3());
    }
  }

  /** Writes and deletes a marker under {@code location}, or throws naming {@code key}. */
  static void verify(
      S3Client client, String key, LakeStorage.S3Location location, LakeStorage.S3 settings) {
    String marker =
        (location.prefix().isEmpty() ? "" : location.prefix() + "/")
            + MARKER_FOLDER
            + "/"
            + UUID.randomUUID();
    try {
      client.putObject(b -> b.bucket(location.bucket()).key(marker), RequestBody.empty());
      client.deleteObject(b -> b.bucket(location.bucket()).key(marker));
    } catch (S3Exception e) {
      throw new ConfigException(key + " " + location + ": " + reason(e), e);
    } catch (SdkClientException e) {
      throw new ConfigException(
          key
              + " "
              + location
              + ": cannot reach S3 at "
              + (settings.endpoint() == null ? "AWS" : settings.endpoint())
              + " (lake.s3.endpoint): "
              + e.getMessage(),
          e);
    }
  }

  private static String reason(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if (code == null) {
      return "S3 answered HTTP " + e.statusCode();
    }
    return switch (code) {
      case "NoSuchBucket" -> "bucket not found (NoSuchBucket)";
      case "AccessDenied" ->
          "access denied (AccessDenied): the credentials of lake.s3 may not write there";
      case "InvalidAccessKeyId", "SignatureDoesNotMatch" ->
          "credentials refused ("
              + code
              + "): check lake.s3.access-key-id and lake.s3.secret-access-key";
      default ->
          e.awsErrorDetails().errorMessage() + " (" + code + ", HTTP " + e.statusCode() + ")";
    };
  }

  /**
   * Whether the client's credentials resolve; false (with a warning) when the secret access key
   * names a secret not stored yet.
   */
  private static boolean credentialsResolve(S3Client client) {
    try {
      client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
      return true;
    } catch (CompletionException | SdkException | TributaryException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof TributaryException missing
          && missing.errorCode() == ErrorCode.MISSING_SECRET) {
        LOG.warn(
            "S3 not checked at start: lake.s3.secret-access-key names a secret not stored yet ({})",
            cause.getMessage());
        return false;
      }
      if (cause instanceof SdkException) {
        throw new ConfigException(
            "lake.s3: no S3 credentials (set lake.s3.access-key-id and"
                + " lake.s3.secret-access-key, or the AWS default chain): "
                + cause.getMessage(),
            cause);
      }
      throw e;
    }
  }
}
