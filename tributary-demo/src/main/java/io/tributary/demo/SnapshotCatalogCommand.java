package io.tributary.demo;

import io.tributary.amp.CatalogSnapshot;
import io.tributary.server.cli.ClientOptions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary amp snapshot-catalog}: the daily snapshot of the show catalog. */
@Command(
    name = "snapshot-catalog",
    mixinStandardHelpOptions = true,
    description = {
      "Append the latest state of every show in raw.show_catalog to "
          + CatalogSnapshot.TABLE
          + ", stamped with --date (run once a day)."
    })
final class SnapshotCatalogCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(names = "--date", description = "Snapshot date, YYYY-MM-DD (default: today, UTC)")
  LocalDate date;

  @Override
  public Integer call() throws InterruptedException {
    Clock clock = Clock.systemUTC();
    LocalDate day = date == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : date;
    try (CatalogSnapshot snapshot = new CatalogSnapshot(client.server, clock, client.token())) {
      long shows = snapshot.write(day);
      System.out.printf("%,d shows written to %s for %s%n", shows, CatalogSnapshot.TABLE, day);
    }
    return 0;
  }
}
