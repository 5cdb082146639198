package io.tributary.core.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned schema change of a component: a SQL resource {@code V<n>__<description>.sql} (or
 * its dialect variant {@code V<n>__<description>.<dialect>.sql}), its statements and the SHA-256 of
 * its text. Lines {@code -- baseline-when: table[.column]} name what a database created before the
 * migrations existed has when this version's change is already in it.
 */
public record Migration(
    int version,
    String description,
    String file,
    List<String> statements,
    String checksum,
    List<String> baselineWhen) {
  private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)");
  private static final String BASELINE = "-- baseline-when:";

  public Migration {
    if (version < 1) {
      throw new IllegalArgumentException("Migration " + file + ": version must be >= 1");
    }
    Objects.requireNonNull(description, "description is null");
    Objects.requireNonNull(file, "file is null");
    statements = List.copyOf(statements);
    Objects.requireNonNull(checksum, "checksum is null");
    baselineWhen = List.copyOf(baselineWhen);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("Migration " + file + " has no statement");
    }
  }

  /**
   * The migrations listed, in order, by the resource {@code <folder>/index} (one base name a line,
   * e.g. {@code V1__create}), each read in the variant of {@code dialect} when there is one, with
   * {@code ${name}} placeholders replaced (the checksum covers the text before replacing).
   *
   * @throws IllegalStateException if the index or a file is missing, or versions are not 1, 2, ...
   */
  public static List<Migration> load(
      ClassLoader loader, String folder, String dialect, Map<String, String> placeholders) {
    List<Migration> result = new ArrayList<>();
    for (String line :
        read(loader, folder + "/index").orElseThrow(() -> missing(folder + "/index")).split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      Matcher matcher = NAME.matcher(name);
      if (!matcher.matches()) {
        throw new IllegalStateException(
            "Migration name '" + name + "' in " + folder + "/index is not V<n>__<description>");
      }
      int version = Integer.parseInt(matcher.group(1));
      if (version != result.size() + 1) {
        throw new IllegalStateException(
            "Migration "
                + name
                + " in "
                + folder
                + "/index: expected version "
                + (result.size() + 1));
      }
      String variant = folder + "/" + name + "." + dialect + ".sql";
      String plain = folder + "/" + name + ".sql";
      Optional<String> specific = read(loader, variant);
      String file = specific.isPresent() ? variant : plain;
      String sql = specific.or(() -> read(loader, plain)).orElseThrow(() -> missing(plain));
      result.add(parse(version, matcher.group(2), file, sql, placeholders));
    }
    if (result.isEmpty()) {
      throw new IllegalStateException(folder + "/index lists no migration");
    }
    return List.copyOf(result);
  }

  static Migration parse(
      int version, String description, String file, String sql, Map<String, String> placeholders) {
    List<String> baselineWhen = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (String line : sql.split("\n")) {
      String stripped = line.strip();
      if (stripped.startsWith(BASELINE)) {
        baselineWhen.add(replace(stripped.substring(BASELINE.length()).strip(), placeholders));
      } else if (!stripped.startsWith("--")) {
        body.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : replace(body.toString(), placeholders).split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return new Migration(
        version, description, file, statements, sha256(sql), List.copyOf(baselineWhen));
  }

  private static String replace(String text, Map<String, String> placeholders) {
    String result = text;
    for (Map.Entry<String, String> entry : placeholders.entrySet()) {
      result = result.replace("${" + entry.getKey() + "}", entry.getValue());
    }
    if (result.contains("${")) {
      throw new IllegalStateException("Unreplaced placeholder in migration text: " + result);
    }
    return result;
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static IllegalStateException missing(String resource) {
    return new IllegalStateException("Missing migration resource " + resource);
  }

  private static Optional<String> read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null
          ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read migration resource " + resource, e);
    }
  }
}
