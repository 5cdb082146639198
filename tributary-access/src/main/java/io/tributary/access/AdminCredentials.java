package io.tributary.access;

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
import java.util.Optional;

/**
 * The platform's first user, {@code admin}: its password and API token, generated on first start
 * and kept in {@code <data-dir>/admin-credentials.json} (mode 0600) as {@code {"user", "password",
 * "token"}}.
 */
public record AdminCredentials(String user, String password, String token) {
  public static final String FILE_NAME = "admin-credentials.json";

  public AdminCredentials {
    Objects.requireNonNull(user, "user is null");
    Objects.requireNonNull(password, "password is null");
    Objects.requireNonNull(token, "token is null");
    if (user.isBlank() || password.isBlank()) {
      throw new IllegalArgumentException("Invalid admin credentials: empty user or password");
    }
  }

  /**
   * Reads the file in {@code dataDir}, creating it with fresh secrets when it does not exist (and
   * adding a token to a file without one).
   */
  public static AdminCredentials loadOrCreate(Path dataDir, SecureRandom random) {
    Path file = dataDir.resolve(FILE_NAME);
    ObjectMapper json = new ObjectMapper();
    try {
      AdminCredentials created;
      if (Files.exists(file)) {
        AdminCredentials existing = read(json, file);
        if (!existing.token().isBlank()) {
          return existing;
        }
        // a file written before tokens existed: keep the password, add a token
        created =
            new AdminCredentials(existing.user(), existing.password(), Secrets.random(random, 40));
      } else {
        created =
            new AdminCredentials("admin", Secrets.random(random, 24), Secrets.random(random, 40));
      }
      Files.createDirectories(dataDir);
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

  /** Reads the file in {@code dataDir} when it exists and this process may read it. */
  public static Optional<AdminCredentials> readIfPresent(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.isReadable(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(new ObjectMapper(), file));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "AdminCredentials[user=" + user + "]";
  }
}
