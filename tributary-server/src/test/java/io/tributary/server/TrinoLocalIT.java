package io.tributary.server;

import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in ({@link TrinoServer#assumeAvailable()}): the same tables as {@link TrinoOnS3IT} with the
 * lake on local storage, which Trino reaches through its native local file system rooted at {@code
 * /}: Trino reads them, inserts rows and creates a table ({@code CREATE TABLE ... AS}) that the
 * platform then reads.
 */
class TrinoLocalIT {
  @TempDir Path dir;

  @Test
  void trinoReadsAndWritesThePlatformsTablesOnLocalStorage() throws Exception {
    TrinoServer.assumeAvailable();
    String yaml =
        TestConfigs.yaml(
            dir.resolve("node"),
            0,
            """
              - name: events
                partitions: 1
                buffer: { interval: 0s }
            """);
    try (Platform platform =
        Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
      Http http = Http.admin(platform);
      EngineTables.write(http);
      try (TrinoServer trino =
          TrinoServer.start(
              dir.resolve("trino"),
              platform,
              List.of("fs.native-local.enabled=true", "local.location=/"))) {
        trino.readsTheTables();
        trino.insertsRowsThePlatformReads(http);
        trino.createsATableThePlatformReads(http);
      }
    }
  }
}
