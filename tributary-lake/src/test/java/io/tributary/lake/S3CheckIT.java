package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.LakeStorage;
import io.tributary.core.config.TributaryConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The start-up check of the lake's S3 locations against a real S3-compatible server: a writable
 * prefix passes and keeps no marker; a missing bucket, a wrong secret key and an unreachable
 * endpoint fail naming the config key, its value and S3's reason; a secret not stored yet skips the
 * check.
 */
class S3CheckIT {
  private static final String BUCKET = "lake";

  @TempDir static Path serverDir;
  private static S3Server server;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    server = S3Server.start(serverDir);
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private Lake open(URI endpoint, String warehouse, String secret, UnaryOperator<String> resolve) {
    LakeStorage.S3 s3 =
        new LakeStorage.S3(endpoint, "us-east-1", true, S3Server.ACCESS_KEY_ID, secret);
    return Lake.open(
        new TributaryConfig.Catalog(
            "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("unused")),
        new LakeStorage(
            LakeStorage.S3Location.parse(warehouse),
            LakeStorage.S3Location.parse("s3://" + BUCKET + "/landing"),
            s3,
            LakeStorage.Cache.defaults(dir)),
        resolve,
        Clock.systemUTC(),
        TablePolicy.defaults());
  }

  @Test
  void aWritablePrefixPassesAndKeepsNoMarker() {
    try (Lake lake =
        open(
            server.endpoint(),
            "s3://" + BUCKET + "/ok",
            S3Server.SECRET_ACCESS_KEY,
            UnaryOperator.identity())) {
      S3Check.verify(lake);
    }
    try (S3Client client =
        S3Clients.open(S3Server.settings(server.endpoint()), UnaryOperator.identity())) {
      assertThat(
              client
                  .listObjectsV2(b -> b.bucket(BUCKET).prefix("ok/" + S3Check.MARKER_FOLDER))
                  .contents())
          .isEmpty();
    }
  }

  @Test
  void aMissingBucketNamesTheKeyTheValueAndTheReason() {
    try (Lake lake =
        open(
            server.endpoint(),
            "s3://nobucket/x",
            S3Server.SECRET_ACCESS_KEY,
            UnaryOperator.identity())) {
      assertThatThrownBy(() -> S3Check.verify(lake))
          .isInstanceOf(ConfigException.class)
          .hasMessage("lake.warehouse s3://nobucket/x: bucket not found (NoSuchBucket)");
    }
  }

  @Test
  void aWrongSecretKeyIsRefused() {
    try (Lake lake =
        open(server.endpoint(), "s3://" + BUCKET + "/x", "wrong", UnaryOperator.identity())) {
      assertThatThrownBy(() -> S3Check.verify(lake))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("lake.warehouse s3://lake/x: credentials refused (")
          .hasMessageContaining("lake.s3.secret-access-key")
          .hasMessageNotContaining("wrong");
    }
  }

  @Test
  void anUnreachableEndpointNamesTheEndpoint() throws Exception {
    URI closed = URI.create("http://127.0.0.1:" + S3Server.freePort());
    try (Lake lake =
        open(
            closed,
            "s3://" + BUCKET + "/x",
            S3Server.SECRET_ACCESS_KEY,
            UnaryOperator.identity())) {
      assertThatThrownBy(() -> S3Check.verify(lake))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "lake.warehouse s3://lake/x: cannot reach S3 at " + closed + " (lake.s3.endpoint)");
    }
  }

  @Test
  void aSecretNotStoredYetSkipsTheCheck() {
    try (Lake lake =
        open(
            server.endpoint(),
            "s3://nobucket/x",
            "${secret:lake_key}",
            text -> {
              throw new InvalidInputException(ErrorCode.MISSING_SECRET, "secret lake_key not set");
            })) {
      S3Check.verify(lake);
    }
  }
}
