package io.tributary.server;

import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.S3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in ({@link TrinoServer#assumeAvailable()}): Trino 476 reads the tables the platform wrote to
 * S3 (S3Proxy): a delivered raw table, its errors table and a table a flow's sql task wrote,
 * through the platform's Iceberg REST catalog and Trino's native S3 file system; then Trino inserts
 * into that table and the platform reads Trino's rows. Trino uses vended credentials ({@code
 * iceberg.rest-catalog.vended-credentials-enabled}) only when they carry a session token, which
 * static keys do not: it is given the keys as its own ({@code s3.aws-access-key}). Last, Trino
 * creates a table ({@code CREATE TABLE ... AS}) the platform reads: Trino first lists the new
 * table's location, asking for the objects' restore status (the header {@code
 * x-amz-optional-object-attributes}, sent by Trino 476 on every listing), which S3Proxy answers
 * with 501 NotImplemented unless {@code s3proxy.ignore-unknown-headers=true} ({@link
 * S3Server#startAcceptingUnknownHeaders}).
 */
class TrinoOnS3IT {
  private static final String BUCKET = "lake";

  @TempDir Path dir;

  @Test
  void trinoReadsAndWritesThePlatformsTablesOnS3() throws Exception {
    TrinoServer.assumeAvailable();
    try (S3Server s3 = S3Server.startAcceptingUnknownHeaders(dir.resolve("s3"))) {
      s3.createBucket(BUCKET);
      String yaml =
          TestConfigs.yaml(
                  dir.resolve("node"),
                  0,
                  """
                    - name: events
                      partitions: 1
                      buffer: { interval: 0s }
                  """)
              + "lake:\n  warehouse: s3://"
              + BUCKET
              + "/tributary\n  s3:\n    endpoint: "
              + s3.endpoint()
              + "\n    path-style-access: true\n    access-key-id: "
              + S3Server.ACCESS_KEY_ID
              + "\n    secret-access-key: "
              + S3Server.SECRET_ACCESS_KEY
              + "\n";
      try (Platform platform =
          Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
        Http http = Http.admin(platform);
        EngineTables.write(http);
        try (TrinoServer trino =
            TrinoServer.start(
                dir.resolve("trino"),
                platform,
                List.of(
                    // Trino takes vended credentials only with a session token (STS); the lake's
                    // static keys are given to it as its own
                    "s3.aws-access-key=" + S3Server.ACCESS_KEY_ID,
                    "s3.aws-secret-key=" + S3Server.SECRET_ACCESS_KEY,
                    "fs.native-s3.enabled=true",
                    "s3.endpoint=" + s3.endpoint(),
                    "s3.region=us-east-1",
                    "s3.path-style-access=true"))) {
          trino.readsTheTables();
          trino.insertsRowsThePlatformReads(http);
          trino.createsATableThePlatformReads(http);
        }
      }
    }
  }
}
