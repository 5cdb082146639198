package io.tributary.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {
  @TempDir Path dir;

  @Test
  void createdOncePrivateAndReadBack() throws Exception {
    assertThat(AdminCredentials.readIfPresent(dir)).isEmpty();
    AdminCredentials created = AdminCredentials.loadOrCreate(dir, new SecureRandom());
    Path file = dir.resolve(AdminCredentials.FILE_NAME);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(created.user()).isEqualTo("admin");
    assertThat(created.token()).hasSize(40);
    assertThat(AdminCredentials.loadOrCreate(dir, new SecureRandom())).isEqualTo(created);
    assertThat(AdminCredentials.readIfPresent(dir)).contains(created);
    assertThat(created.toString()).doesNotContain(created.password(), created.token());
  }

  @Test
  void aFileWithoutATokenKeepsItsPasswordAndGetsOne() throws Exception {
    Files.writeString(
        dir.resolve(AdminCredentials.FILE_NAME),
        "{\"user\":\"admin\",\"password\":\"old-secret\"}");
    AdminCredentials upgraded = AdminCredentials.loadOrCreate(dir, new SecureRandom());
    assertThat(upgraded.password()).isEqualTo("old-secret");
    assertThat(upgraded.token()).isNotBlank();
    assertThat(AdminCredentials.readIfPresent(dir)).contains(upgraded);
  }
}
