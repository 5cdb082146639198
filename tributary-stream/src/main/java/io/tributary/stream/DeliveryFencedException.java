package io.tributary.stream;

/**
 * A delivery commit refused because the table's offsets of a partition this node read moved since
 * it read them: another node owns the partition now (or owned it meanwhile) and committed it.
 * Nothing was committed; drop what was read and resume from the table's offsets.
 */
final class DeliveryFencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DeliveryFencedException(String message) {
    super(message);
  }
}
