package io.tributary.access.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretFileTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();

  @Test
  void keepsCurrentAndPendingSealedAcrossReopeningAndOffersThemInOrder() throws Exception {
    MasterKey key = MasterKey.generate(dir.resolve("master.key"), random);
    Path path = dir.resolve("catalog-password.sealed");
    LocalSecretFile file = LocalSecretFile.open(path, key, random);
    assertThat(file.current()).isEmpty();
    assertThat(file.candidates()).isEmpty();

    file.write(SecretValue.of("first-password-1"), Optional.of(SecretValue.of("next-password-2")));
    assertThat(Files.readString(path)).doesNotContain("first-password-1", "next-password-2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");

    LocalSecretFile reopened = LocalSecretFile.open(path, key, random);
    assertThat(reopened.candidates())
        .extracting(SecretValue::reveal)
        .containsExactly("first-password-1", "next-password-2");
    reopened.write(SecretValue.of("next-password-2"), Optional.empty());
    assertThat(LocalSecretFile.open(path, key, random).candidates())
        .extracting(SecretValue::reveal)
        .containsExactly("next-password-2");
  }

  @Test
  void anotherMasterKeyCannotOpenIt() {
    MasterKey key = MasterKey.generate(dir.resolve("master.key"), random);
    Path path = dir.resolve("catalog-password.sealed");
    LocalSecretFile.open(path, key, random)
        .write(SecretValue.of("first-password-1"), Optional.empty());
    MasterKey other =
        MasterKey.find(
                name ->
                    name.equals(MasterKey.ENVIRONMENT_VARIABLE)
                        ? Base64.getEncoder().encodeToString(new byte[32])
                        : null,
                dir.resolve("none.key"))
            .orElseThrow();
    assertThatThrownBy(() -> LocalSecretFile.open(path, other, random))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining(path.toString())
        .hasMessageContaining("TRIBUTARY_MASTER_KEY");
  }
}
