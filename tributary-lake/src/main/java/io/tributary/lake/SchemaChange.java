package io.tributary.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * A schema change the evolution rules accept, planned or committed by a {@link TableWriter}.
 *
 * @param before the table's schema the change was planned on
 * @param after the schema with the change applied (ids assigned at every depth)
 */
public record SchemaChange(Schema before, Schema after) {
  public SchemaChange {
    Objects.requireNonNull(before, "before is null");
    Objects.requireNonNull(after, "after is null");
  }

  /** Whether the change changes nothing. */
  public boolean isEmpty() {
    return after.sameSchema(before);
  }

  /**
   * The fields added (by full name, nested ones included) and those whose type changed, as {@code
   * added a int, prefs.genres list<string>; changed n int -> long}, or {@code no change}.
   */
  public String describe() {
    Map<Integer, Types.NestedField> old = TypeUtil.indexById(before.asStruct());
    Map<Integer, Types.NestedField> now = TypeUtil.indexById(after.asStruct());
    Map<Integer, Integer> parents = TypeUtil.indexParents(after.asStruct());
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    now.keySet().stream()
        .sorted()
        .forEach(
            id -> {
              Types.NestedField field = now.get(id);
              Types.NestedField previous = old.get(id);
              String name = after.findColumnName(id);
              if (previous == null) {
                Integer parent = parents.get(id);
                if (parent == null || old.containsKey(parent)) {
                  added.add(name + " " + field.type());
                }
              } else if (field.type().isPrimitiveType() && !previous.type().equals(field.type())) {
                changed.add(name + " " + previous.type() + " -> " + field.type());
              }
            });
    List<String> parts = new ArrayList<>();
    if (!added.isEmpty()) {
      parts.add("added " + String.join(", ", added));
    }
    if (!changed.isEmpty()) {
      parts.add("changed " + String.join(", ", changed));
    }
    return parts.isEmpty() ? "no change" : String.join("; ", parts);
  }
}
