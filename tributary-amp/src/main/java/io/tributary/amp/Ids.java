package io.tributary.amp;

/** The fixed-width ids of the simulated world, shared by the simulator and the catalog service. */
public final class Ids {
  private Ids() {}

  /** {@code u_000042} for 42. */
  public static String user(int number) {
    return "u_" + pad(number, 6);
  }

  /** {@code show_0042} for 42. */
  public static String show(int number) {
    return "show_" + pad(number, 4);
  }

  /** {@code creator_042} for 42. */
  public static String creator(int number) {
    return "creator_" + pad(number, 3);
  }

  private static String pad(int number, int width) {
    String digits = Integer.toString(number);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
