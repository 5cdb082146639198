package io.tributary.server.iceberg;

import io.tributary.core.config.LakeStorage;
import io.tributary.lake.Lake;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What an engine (Spark, Trino, PyIceberg) needs to read and write the lake's files when the
 * warehouse is on S3, in the property names of Iceberg's {@code S3FileIO}: the endpoint, region and
 * path-style access for everybody (the catalog's {@code /v1/config} defaults), and the lake's
 * configured credentials in the {@code config} of a table's load or create response only, so only a
 * caller authorized for that table receives them. The secret is resolved at each response (a
 * rotated {@code ${secret:name}} reaches the next one) and is never logged. With no static
 * credentials configured ({@code lake.s3} on the AWS default chain), none are handed out: engines
 * use their own.
 */
final class StorageAccess {
  static final String ENDPOINT = "s3.endpoint";
  static final String PATH_STYLE = "s3.path-style-access";
  static final String REGION = "client.region";
  static final String ACCESS_KEY_ID = "s3.access-key-id";
  static final String SECRET_ACCESS_KEY = "s3.secret-access-key";
  static final String SESSION_TOKEN = "s3.session-token";

  private final Map<String, String> location;
  private final Supplier<Optional<AwsCredentialsIdentity>> credentials;

  private StorageAccess(
      Map<String, String> location, Supplier<Optional<AwsCredentialsIdentity>> credentials) {
    this.location = Map.copyOf(location);
    this.credentials = credentials;
  }

  /** The lake's S3 access, or none when its warehouse is local. */
  static StorageAccess of(Lake lake) {
    Objects.requireNonNull(lake, "lake is null");
    LakeStorage storage = lake.storage();
    if (!storage.onS3()) {
      return new StorageAccess(Map.of(), Optional::empty);
    }
    Map<String, String> location = new LinkedHashMap<>();
    LakeStorage.S3 s3 = storage.s3();
    if (s3.endpoint() != null) {
      location.put(ENDPOINT, s3.endpoint().toString());
    }
    location.put(PATH_STYLE, Boolean.toString(s3.pathStyleAccess()));
    location.put(REGION, s3.region());
    Optional<S3Client> client = lake.s3Client();
    if (s3.accessKeyId() == null || client.isEmpty()) {
      return new StorageAccess(location, Optional::empty);
    }
    return new StorageAccess(
        location,
        () ->
            Optional.of(
                client
                    .get()
                    .serviceClientConfiguration()
                    .credentialsProvider()
                    .resolveIdentity()
                    .join()));
  }

  /** The defaults of the catalog's config response: where the files are, no credentials. */
  Map<String, String> catalogDefaults() {
    return new LinkedHashMap<>(location); // Iceberg's builder asks the map for a null key
  }

  /** {@code response} with the table's storage access added to its {@code config}. */
  LoadTableResponse withAccess(LoadTableResponse response) {
    if (location.isEmpty()) {
      return response;
    }
    Map<String, String> config = new LinkedHashMap<>(response.config());
    config.putAll(location);
    credentials
        .get()
        .ifPresent(
            key -> {
              config.put(ACCESS_KEY_ID, key.accessKeyId());
              config.put(SECRET_ACCESS_KEY, key.secretAccessKey());
              if (key instanceof AwsSessionCredentialsIdentity session) {
                config.put(SESSION_TOKEN, session.sessionToken());
              }
            });
    return LoadTableResponse.builder()
        .withTableMetadata(response.tableMetadata())
        .addAllConfig(config)
        .addAllCredentials(response.credentials())
        .build();
  }
}
