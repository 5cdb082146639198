package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.access.Access;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Function owners over a metadata table two nodes share. */
class FunctionOwnersTest {
  @TempDir Path dir;

  @Test
  void aFunctionSavedOnAnotherNodeRunsAsItsRecordedOwnerWithinAReread() {
    MutableClock clock = new MutableClock();
    FunctionOwners here = owners(clock);
    FunctionOwners there = owners(clock);
    assertThat(here.ownerOf("enrich")).isEqualTo(Access.ADMIN_USER);

    there.own("enrich", "ana");
    assertThat(there.ownerOf("enrich")).isEqualTo("ana");
    assertThat(here.ownerOf("enrich")).as("read less than a second ago").isEqualTo("admin");
    clock.advance(FunctionOwners.REREAD);
    assertThat(here.ownerOf("enrich")).isEqualTo("ana");

    here.own("enrich", "bob");
    clock.advance(FunctionOwners.REREAD);
    assertThat(there.ownerOf("enrich")).isEqualTo("bob");
  }

  private FunctionOwners owners(Clock clock) {
    return new FunctionOwners(this::connection, Optional::empty, target -> false, clock);
  }

  private Connection connection() {
    try {
      return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-05T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("fixed zone");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
