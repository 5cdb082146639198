package io.tributary.server.cli;

import picocli.CommandLine.Command;

/** {@code tributary amp}: the live-audio app's own services, beside the platform. */
@Command(
    name = "amp",
    description = "The live-audio app's services (show-catalog service).",
    mixinStandardHelpOptions = true,
    subcommands = {CatalogServiceCommand.class})
final class AmpCommand {}
