package io.tributary.pgwire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The platform's first user, {@code admin}: its password and API token, generated on first start
 * and kept in {@code <data-dir>/admin-credentials.json} (mode 0600) as {@code {"user", "password",
 * "token"}}.
 */
public record AdminCredentials(String user, String password, String token) {
  public static final String FILE_NAME = "admin-credentials.json";
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  public AdminCredentials {
    Objects.requireNonNull(user, "user is null");
    Objects.requireNonNull(password, "password is null");
    Objects.requireNonNull(token, "token is null");
    if (user.isBlank() || password.isBlank()) {
      throw new IllegalArgumentException("Invalid admin credentials: empty user or password");
    }
  }

  /** Reads the file in {@code dataDir}, creating it with fresh secrets when it does not exist. */
  public static AdminCredentials loadOrCreate(Path dataDir, SecureRandom random) {
    Path file = dataDir.resolve(FILE_NAME);
    ObjectMapper json = new ObjectMapper();
    try {
      if (Files.exists(file)) {
        return read(json, file);
      }
      Files.createDirectories(dataDir);
      AdminCredentials created =
          new AdminCredentials("admin", secret(random, 24), secret(random, 40));
      ObjectNode node = json.createObjectNode();
      node.put("user", created.user()).put("password", created.password());
      node.put("token", created.token());
      Path temporary = dataDir.resolve(FILE_NAME + ".tmp");
      Files.deleteIfExists(temporary);
      createPrivate(temporary);
      Files.write(temporary, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        return read(json, file); // another process won the race
      }
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }

  private static AdminCredentials read(ObjectMapper json, Path file) throws IOException {
    JsonNode node = json.readTree(file.toFile());
    if (node == null || !node.hasNonNull("user") || !node.hasNonNull("password")) {
      throw new IllegalStateException(
          "Invalid " + file + ": expected {\"user\", \"password\", \"token\"}; delete it to reset");
    }
    return new AdminCredentials(
        node.get("user").asText(), node.get("password").asText(), node.path("token").asText(""));
  }

  private static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    }
  }

  private static String secret(SecureRandom random, int length) {
    StringBuilder secret = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      secret.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return secret.toString();
  }

  @Override
  public String toString() {
    return "AdminCredentials[user=" + user + "]";
  }
}
