package io.tributary.server;

import io.tributary.access.Access;
import io.tributary.access.AccessListener;
import io.tributary.access.AccessState;
import io.tributary.console.Sessions;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends console sessions as access changes: a removed (or expired) user's sessions, and the sessions
 * a user began before its password was set. The sessions are in the metadata database, so they end
 * on every node at once; a node that has not yet seen the change ends them too at their next
 * request (see {@link AccessGate}).
 */
final class ConsoleSessionEnder implements AccessListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleSessionEnder.class);

  private final Sessions sessions;
  private final Access access;

  ConsoleSessionEnder(Sessions sessions, Access access) {
    this.sessions = Objects.requireNonNull(sessions, "sessions is null");
    this.access = Objects.requireNonNull(access, "access is null");
  }

  @Override
  public void changed(AccessState state) {
    try {
      sessions.retainUsers(
          user ->
              state
                  .user(user)
                  .filter(found -> !found.expiredAt(access.clock().instant()))
                  .isPresent());
    } catch (RuntimeException e) {
      LOG.warn("Cannot end the console sessions of removed users: {}", e.toString());
    }
  }

  @Override
  public void passwordSet(String user, String password) {
    try {
      sessions.removeUserExcept(user, access.credentialStamp(user));
    } catch (RuntimeException e) {
      LOG.warn("Cannot end the console sessions of user {}: {}", user, e.toString());
    }
  }
}
