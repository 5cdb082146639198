package io.tributary.lake;

import io.tributary.core.config.LakeStorage;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the AWS SDK v2 S3 client of the lake from {@code lake.s3}: endpoint and path style for
 * S3-compatible servers, the region, static credentials whose secret key is resolved at each use
 * (so a {@code ${secret:name}} rotation reaches the next request), the SDK's standard retries
 * (throttling, 5xx and broken connections, with back-off; {@value #MAX_ATTEMPTS} attempts) and the
 * checksums every S3-compatible server accepts.
 */
public final class S3Clients {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * Attempts per request: throttling, 5xx answers and broken connections are retried with the SDK's
   * back-off, without its circuit breaker (a writer must keep trying after an outage).
   */
  static final int MAX_ATTEMPTS = 5;

  private S3Clients() {}

  /**
   * A new client; the caller closes it.
   *
   * @param resolve turns the configured secret access key (a value or a {@code ${secret:name}}
   *     reference) into the key, at each use
   */
  public static S3Client open(LakeStorage.S3 settings, UnaryOperator<String> resolve) {
    Objects.requireNonNull(settings, "settings is null");
    Objects.requireNonNull(resolve, "resolve is null");
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyleAccess())
            .credentialsProvider(credentials(settings, resolve))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT))
            // Content-MD5 on the operations that need a checksum (DeleteObjects): S3-compatible
            // servers expect it, not the newer CRC headers
            .addPlugin(LegacyMd5Plugin.create())
            .overrideConfiguration(
                c ->
                    c.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(MAX_ATTEMPTS)
                            .circuitBreakerEnabled(false)
                            .build()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(
      LakeStorage.S3 settings, UnaryOperator<String> resolve) {
    if (settings.accessKeyId() == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    String keyId = settings.accessKeyId();
    String secret = settings.secretAccessKey();
    return () -> AwsBasicCredentials.create(keyId, resolve.apply(secret));
  }
}
