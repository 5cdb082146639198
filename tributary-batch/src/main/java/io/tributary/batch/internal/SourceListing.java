package io.tributary.batch.internal;

import io.tributary.batch.LandingZone;
import io.tributary.core.config.CrawlerSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a crawler's data files: regular files with data names under the source folder (folders with
 * data names only), kept by the include globs and not dropped by the exclude globs, sorted.
 */
final class SourceListing {
  private SourceListing() {}

  static List<SourceFile> list(Path sourceDir, CrawlerSpec spec) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    if (!Files.isDirectory(sourceDir)) {
      return files;
    }
    List<PathMatcher> include = matchers(spec.include());
    List<PathMatcher> exclude = matchers(spec.exclude());
    Files.walkFileTree(
        sourceDir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(sourceDir) || LandingZone.isDataName(dir.getFileName().toString())
                ? FileVisitResult.CONTINUE
                : FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isRegularFile() || !LandingZone.isDataName(file.getFileName().toString())) {
              return FileVisitResult.CONTINUE;
            }
            Path relativePath = sourceDir.relativize(file);
            if (!include.isEmpty() && include.stream().noneMatch(m -> m.matches(relativePath))) {
              return FileVisitResult.CONTINUE;
            }
            if (exclude.stream().anyMatch(m -> m.matches(relativePath))) {
              return FileVisitResult.CONTINUE;
            }
            String relative = relativePath.toString().replace('\\', '/');
            files.add(
                new SourceFile(
                    file,
                    relative,
                    spec.source() + "/" + relative,
                    attrs.size(),
                    attrs.lastModifiedTime().toMillis(),
                    Layout.place(spec.source(), relative)));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort((a, b) -> a.relative().compareTo(b.relative()));
    return files;
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> result = new ArrayList<>();
    for (String glob : globs) {
      result.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
    }
    return result;
  }
}
