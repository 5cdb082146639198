package io.tributary.batch.internal;

import java.nio.file.Path;

/**
 * A data file under a crawler's source folder.
 *
 * @param relative its path under the source folder, with {@code /}
 * @param key {@code <source>/<relative>}: its name in the ledger
 * @param place its table prefix and partition values (from the folder names)
 */
record SourceFile(
    Path file, String relative, String key, long size, long modified, Layout.Placement place) {}
