package io.tributary.access;

/**
 * Told of access changes, to mirror them into a system with its own users and permissions (the
 * embedded Kafka broker's SCRAM credentials and ACLs). Called on the changing thread, with the
 * access service's lock held; a listener handles its own failures.
 */
public interface AccessListener {
  /** Users, groups, roles or grants changed (also called once when the listener is added). */
  void changed(AccessState state);

  /**
   * {@code user}'s password was set to {@code password}: the only moment it is seen in clear. Never
   * store or log it.
   */
  void passwordSet(String user, String password);
}
