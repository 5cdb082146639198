package io.tributary.batch;

import io.tributary.core.config.LakeStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A landing zone on S3 ({@code landing: s3://bucket/prefix}): {@code <prefix>/<source>/<path>}
 * objects are mirrored into the local landing folder before a crawl lists it, so the crawler
 * classifies, loads and tracks them (by size and modification time, which the copy takes from the
 * object) as it does local files. An object that is new, or whose size or last-modified time
 * changed, is downloaded again (to a temporary name, moved into place once complete); a local file
 * whose object is gone is deleted, so the crawler's removal policy sees it. Uploads through the
 * platform are put to the bucket as well, so the next mirror keeps them.
 */
final class S3Landing {
  private static final Logger LOG = LoggerFactory.getLogger(S3Landing.class);

  private final S3Client client;
  private final LakeStorage.S3Location root;

  /** Mirrors {@code root} through {@code client} (the lake's, which the lake closes). */
  S3Landing(S3Client client, LakeStorage.S3Location root) {
    this.client = Objects.requireNonNull(client, "client is null");
    this.root = Objects.requireNonNull(root, "root is null");
  }

  /** The sources (first-level folders) under the root. */
  Set<String> sources() {
    Set<String> sources = new TreeSet<>();
    for (CommonPrefix prefix :
        client
            .listObjectsV2Paginator(
                b -> b.bucket(root.bucket()).prefix(rootPrefix()).delimiter("/"))
            .commonPrefixes()) {
      String name = prefix.prefix().substring(rootPrefix().length());
      sources.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
    }
    return sources;
  }

  /**
   * Brings {@code localDir} to the objects under {@code <prefix>/<source>/}; {@code resolve} maps a
   * relative path to its local file, refusing invalid names (those objects are skipped).
   */
  void mirror(String source, Path localDir, BiFunction<String, String, Path> resolve)
      throws IOException {
    String prefix = rootPrefix() + source + "/";
    Map<Path, S3Object> objects = new HashMap<>();
    for (S3Object object :
        client.listObjectsV2Paginator(b -> b.bucket(root.bucket()).prefix(prefix)).contents()) {
      String relative = object.key().substring(prefix.length());
      try {
        objects.put(resolve.apply(source, relative), object);
      } catch (RuntimeException e) {
        LOG.debug("Skipping landing object {}: {}", object.key(), e.getMessage());
      }
    }
    for (Map.Entry<Path, S3Object> entry : objects.entrySet()) {
      Path file = entry.getKey();
      S3Object object = entry.getValue();
      long modified = object.lastModified().toEpochMilli();
      if (Files.isRegularFile(file)
          && Files.size(file) == object.size()
          && Files.getLastModifiedTime(file).toMillis() == modified) {
        continue;
      }
      download(object, file, modified);
    }
    if (Files.isDirectory(localDir)) {
      Files.walkFileTree(
          localDir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (!objects.containsKey(file)
                  && LandingZone.isDataName(file.getFileName().toString())) {
                Files.delete(file); // its object is gone
              }
              return FileVisitResult.CONTINUE;
            }
          });
    }
  }

  /** Puts {@code file} to {@code <prefix>/<source>/<path>}. */
  void upload(String source, String path, Path file) {
    client.putObject(
        b -> b.bucket(root.bucket()).key(rootPrefix() + source + "/" + path),
        RequestBody.fromFile(file));
  }

  private void download(S3Object object, Path file, long modified) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + UUID.randomUUID() + ".part");
    try {
      client.getObject(
          b -> b.bucket(root.bucket()).key(object.key()), ResponseTransformer.toFile(temp));
      if (Files.size(temp) != object.size()) {
        throw new IOException(
            "Landing object "
                + object.key()
                + " changed while downloaded ("
                + Files.size(temp)
                + " bytes, listed "
                + object.size()
                + ")");
      }
      Files.setLastModifiedTime(temp, FileTime.fromMillis(modified));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private String rootPrefix() {
    return root.prefix().isEmpty() ? "" : root.prefix() + "/";
  }
}
