package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {
  private static ConsoleConfig parse(String console) {
    return TributaryConfig.fromYaml("data-dir: /data\n" + console, "test.yaml").console();
  }

  @Test
  void defaultsArePinned() {
    ConsoleConfig console = parse("");
    assertThat(console).isEqualTo(ConsoleConfig.DEFAULT);
    assertThat(console.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(console.sessionMaxAge()).isEqualTo(Duration.ofHours(12));
    assertThat(console.maxSessionsPerUser()).isEqualTo(10);
  }

  @Test
  void readsTheSessionSettings() {
    ConsoleConfig console =
        parse(
            "console: {session-idle-timeout: 15m, session-max-age: 8h,"
                + " max-sessions-per-user: 3}\n");
    assertThat(console)
        .isEqualTo(new ConsoleConfig(Duration.ofMinutes(15), Duration.ofHours(8), 3));
  }

  @Test
  void errorsNameKeyAndValue() {
    assertThatThrownBy(() -> parse("console: {session-idle-timeout: 10s}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("console.session-idle-timeout")
        .hasMessageContaining("10s");
    assertThatThrownBy(() -> parse("console: {session-idle-timeout: 2h, session-max-age: 1h}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("console.session-max-age")
        .hasMessageContaining("'3600s'")
        .hasMessageContaining("at least console.session-idle-timeout (7200s)");
    assertThatThrownBy(() -> parse("console: {max-sessions-per-user: 0}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("console.max-sessions-per-user: '0'");
    assertThatThrownBy(() -> parse("console: {session-timeout: 1h}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("session-timeout");
  }
}
