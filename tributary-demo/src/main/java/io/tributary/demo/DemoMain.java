package io.tributary.demo;

import io.tributary.server.cli.Main;
import picocli.CommandLine;

/**
 * {@code ./tributary demo | simulate | amp}: the platform's command line with the live-audio demo's
 * commands added. The demo lives beside the platform, not in its runnable jar; the launcher runs
 * this class for those commands.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The platform's command line plus {@code demo}, {@code simulate} and {@code amp}. */
  public static CommandLine commandLine() {
    return Main.commandLine()
        .addSubcommand(new DemoCommand())
        .addSubcommand(new SimulateCommand())
        .addSubcommand(new AmpCommand());
  }
}
