package io.tributary.demo;

import picocli.CommandLine.Command;

/** {@code tributary amp}: the live-audio app's own services, beside the platform. */
@Command(
    name = "amp",
    description = "The live-audio app's services: show-catalog service, catalog snapshots.",
    mixinStandardHelpOptions = true,
    subcommands = {CatalogServiceCommand.class, SnapshotCatalogCommand.class})
final class AmpCommand {}
