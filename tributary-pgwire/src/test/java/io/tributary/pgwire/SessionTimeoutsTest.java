package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The duration settings (statement and idle timeouts) as PostgreSQL reads them. */
class SessionTimeoutsTest {
  private final Session session =
      new Session("app", Map.of("statement_timeout", "0ms", "idle_session_timeout", "60000ms"));

  @Test
  void unitsAndDefaults() {
    assertThat(session.duration("statement_timeout")).isZero();
    assertThat(session.duration("idle_session_timeout")).isEqualTo(Duration.ofMinutes(1));
    assertThat(session.duration("idle_in_transaction_session_timeout")).isZero();
    session.answer("SET statement_timeout = '5s'");
    assertThat(session.duration("statement_timeout")).isEqualTo(Duration.ofSeconds(5));
    session.answer("SET statement_timeout TO 250");
    assertThat(session.duration("statement_timeout")).isEqualTo(Duration.ofMillis(250));
    session.answer("SET SESSION idle_in_transaction_session_timeout = '2min'");
    assertThat(session.duration("idle_in_transaction_session_timeout"))
        .isEqualTo(Duration.ofMinutes(2));
    session.answer("RESET statement_timeout");
    assertThat(session.duration("statement_timeout")).isZero();
    session.answer("SET idle_session_timeout = DEFAULT");
    assertThat(session.duration("idle_session_timeout")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aValueThatIsNoDurationIsRefused() {
    assertThatThrownBy(() -> session.answer("SET statement_timeout = 'soon'"))
        .isInstanceOfSatisfying(
            PgException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo(SqlStates.INVALID_PARAMETER_VALUE);
              assertThat(e.getMessage()).contains("statement_timeout", "soon");
            });
    assertThat(session.duration("statement_timeout")).isZero();
  }

  @Test
  void showUsesPostgresUnits() {
    Session fresh = new Session("app", Map.of("statement_timeout", "5000ms"));
    assertThat(fresh.answer("SHOW statement_timeout").value()).isEqualTo("5s");
    assertThat(fresh.answer("SHOW lock_timeout").value()).isEqualTo("0");
    Map<String, String> shown =
        Map.of(
            "1500", "1500ms",
            "'90s'", "90s",
            "60000", "1min",
            "'120min'", "2h",
            "'48h'", "2d",
            "'1500us'", "2ms",
            "'0ms'", "0",
            "86400001", "86400001ms");
    shown.forEach(
        (set, show) -> {
          fresh.answer("SET statement_timeout = " + set);
          assertThat(fresh.answer("SHOW statement_timeout").value()).as(set).isEqualTo(show);
        });
  }

  @Property(seed = "14")
  void millisecondsRoundTrip(@ForAll @IntRange(min = 0, max = 100_000_000) int millis) {
    Session fresh = new Session("app", Map.of());
    fresh.answer("SET statement_timeout = " + millis);
    assertThat(fresh.duration("statement_timeout")).isEqualTo(Duration.ofMillis(millis));
    String shown = fresh.answer("SHOW statement_timeout").value();
    assertThat(shown).isEqualTo(fresh.setting("statement_timeout"));
    // the largest unit that holds the value exactly, as PostgreSQL shows it
    long[] larger = {1_000, 60_000, 3_600_000, 86_400_000};
    String[] units = {"ms", "s", "min", "h", "d"};
    int unit = 0;
    while (millis != 0 && unit < larger.length && millis % larger[unit] == 0) {
      unit++;
    }
    long amount = unit == 0 ? millis : millis / larger[unit - 1];
    assertThat(shown).isEqualTo(millis == 0 ? "0" : amount + units[unit]);
  }
}
