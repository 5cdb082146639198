package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.S3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's S3 secret key as {@code ${secret:name}}: resolved at use, so a platform started before
 * the secret is set delivers to S3 once it is.
 */
class S3SecretKeyIT {
  @TempDir Path dir;

  @Test
  void theSecretKeyIsReadFromTheStoreAtUse() {
    try (S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      s3.createBucket("lake");
      String yaml =
          TestConfigs.yaml(
                  dir.resolve("node"),
                  0,
                  "  - name: events\n    partitions: 1\n    buffer: { interval: 0s }\n")
              + "lake:\n  warehouse: s3://lake/t\n  s3:\n    endpoint: "
              + s3.endpoint()
              + "\n    path-style-access: true\n    access-key-id: "
              + S3Server.ACCESS_KEY_ID
              + "\n    secret-access-key: ${secret:lake_s3_key}\n";
      try (Platform platform =
          Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
        Http http = Http.admin(platform);
        assertThat(
                http.put(
                        "/v1/secrets/lake_s3_key",
                        "{\"value\": \"" + S3Server.SECRET_ACCESS_KEY + "\"}")
                    .status())
            .isEqualTo(201);
        assertThat(http.ndjson("events", "{\"id\": 1}\n{\"id\": 2}\n").status()).isEqualTo(200);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> http.count("SELECT count(*) FROM raw.events") == 2);
        assertThat(http.get("/v1/tables/raw.events").body().path("location").asText())
            .isEqualTo("s3://lake/t/raw/events");
      }
    }
  }
}
