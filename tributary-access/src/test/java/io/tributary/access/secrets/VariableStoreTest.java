package io.tributary.access.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.access.audit.Caller;
import io.tributary.core.InvalidInputException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariableStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Caller ADMIN = new Caller("ana", "127.0.0.1");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final TestDb.RecordingSink audit = new TestDb.RecordingSink();

  @Test
  void variablesHoldJsonValues() throws Exception {
    VariableStore variables = new VariableStore(TestDb.sqlite(dir), clock, audit);

    assertThat(variables.put("region", JSON.readTree("\"eu-west-1\""), ADMIN)).isTrue();
    assertThat(variables.put("limits", JSON.readTree("{\"max\": 3}"), ADMIN)).isTrue();
    assertThat(variables.put("region", JSON.readTree("\"us-east-1\""), ADMIN)).isFalse();

    assertThat(variables.get("region").orElseThrow().asText()).isEqualTo("us-east-1");
    assertThat(variables.list()).containsOnlyKeys("limits", "region");
    assertThat(variables.list().get("limits").get("max").asInt()).isEqualTo(3);
    assertThat(variables.delete("limits", ADMIN)).isTrue();
    assertThat(variables.delete("limits", ADMIN)).isFalse();
    assertThat(variables.get("limits")).isEmpty();
    assertThat(audit.events)
        .extracting(e -> e.action())
        .contains("variable.write", "variable.delete");
  }

  @Test
  void badKeysAreNamed() {
    VariableStore variables = new VariableStore(TestDb.sqlite(dir), clock, audit);
    assertThatThrownBy(() -> variables.put("no spaces", JSON.nullNode(), ADMIN))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid variable key: 'no spaces'");
  }

  @Test
  void placeholdersReadTheStores() throws Exception {
    SecretStore secrets =
        SecretStore.open(
            TestDb.sqlite(dir),
            name -> null,
            dir.resolve("master.key"),
            clock,
            new SecureRandom(),
            audit);
    VariableStore variables = new VariableStore(TestDb.sqlite(dir), clock, audit);
    secrets.put("token", SecretValue.of("t0ken-value"), ADMIN);
    variables.put("region", JSON.readTree("\"eu\""), ADMIN);
    variables.put("limits", JSON.readTree("[1,2]"), ADMIN);

    Placeholders placeholders = Placeholders.of(secrets, variables, Caller.PLATFORM);
    assertThat(placeholders.resolve("Bearer ${secret:token} in ${var:region} ${var:limits}"))
        .isEqualTo("Bearer t0ken-value in eu [1,2]");
    assertThat(audit.events)
        .filteredOn(e -> e.action().equals("secret.read"))
        .singleElement()
        .satisfies(e -> assertThat(e.principal()).isEqualTo("tributary"));
  }
}
