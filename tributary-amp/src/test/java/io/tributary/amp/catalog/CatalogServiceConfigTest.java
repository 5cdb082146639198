package io.tributary.amp.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.amp.SimulatorConfig;
import io.tributary.amp.catalog.CatalogServiceConfig.Faults;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogServiceConfigTest {
  @Test
  void defaultsArePinnedAndMatchTheSimulator() {
    CatalogServiceConfig defaults = CatalogServiceConfig.defaults();
    assertThat(defaults)
        .isEqualTo(
            new CatalogServiceConfig(
                "127.0.0.1",
                8081,
                42,
                200,
                60,
                Duration.ofSeconds(5),
                new Faults(Duration.ZERO, Duration.ZERO, 0),
                null,
                "catalog_changes"));
    SimulatorConfig simulator = SimulatorConfig.defaults();
    assertThat(defaults.seed()).isEqualTo(simulator.catalogSeed());
    assertThat(defaults.shows()).isEqualTo(simulator.shows());
    assertThat(defaults.creators()).isEqualTo(simulator.creators());
  }

  @Test
  void withersChangeOneField() {
    CatalogServiceConfig config =
        CatalogServiceConfig.defaults()
            .withPort(0)
            .withSeed(7)
            .withSize(20, 5)
            .withChangeInterval(Duration.ZERO)
            .withFaults(new Faults(Duration.ofMillis(50), Duration.ofMillis(10), 0.2))
            .withNotify(URI.create("http://127.0.0.1:7070"))
            .withNotifyTopic("shows_changed");
    assertThat(config)
        .isEqualTo(
            new CatalogServiceConfig(
                "127.0.0.1",
                0,
                7,
                20,
                5,
                Duration.ZERO,
                new Faults(Duration.ofMillis(50), Duration.ofMillis(10), 0.2),
                URI.create("http://127.0.0.1:7070"),
                "shows_changed"));
  }

  @Test
  void invalidValuesNameTheFieldAndTheRange() {
    CatalogServiceConfig defaults = CatalogServiceConfig.defaults();
    assertThatThrownBy(() -> defaults.withPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid catalog service port: 70000 (must be 0–65535)");
    assertThatThrownBy(() -> defaults.withSize(0, 1))
        .hasMessage("Invalid catalog service shows: 0 (must be 1–9999)");
    assertThatThrownBy(() -> defaults.withSize(10, 11))
        .hasMessage("Invalid catalog service creators: 11 (must be 1–10)");
    assertThatThrownBy(() -> defaults.withChangeInterval(Duration.ofMillis(1)))
        .hasMessage("Invalid catalog service change interval: 1ms (must be 10ms–86400s)");
    assertThatThrownBy(() -> defaults.withNotify(URI.create("ftp://example.org")))
        .hasMessage(
            "Invalid notify URI: ftp://example.org (must be http:// or https:// with a host)");
    assertThatThrownBy(() -> defaults.withNotifyTopic("Bad-Topic"))
        .hasMessageStartingWith("Invalid notify topic: 'Bad-Topic'");
    assertThatThrownBy(() -> new Faults(Duration.ZERO, Duration.ZERO, 1.5))
        .hasMessage("Invalid catalog service failure rate: 1.5 (must be 0–1)");
    assertThatThrownBy(() -> new Faults(Duration.ofMinutes(2), Duration.ZERO, 0))
        .hasMessage("Invalid catalog service latency: 120s (must be 0s–60s)");
    assertThatThrownBy(() -> new Faults(Duration.ZERO, Duration.ofMillis(-1), 0))
        .hasMessageStartingWith("Invalid catalog service latency jitter: -1ms");
  }
}
