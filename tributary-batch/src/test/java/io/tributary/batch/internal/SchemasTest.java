package io.tributary.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class SchemasTest {

  private static Schema schema(Object... nameTypePairs) {
    Map<String, Type> columns = new LinkedHashMap<>();
    for (int i = 0; i < nameTypePairs.length; i += 2) {
      columns.put((String) nameTypePairs[i], (Type) nameTypePairs[i + 1]);
    }
    return Schemas.build(columns);
  }

  private static final Type LONG = Types.LongType.get();
  private static final Type INT = Types.IntegerType.get();
  private static final Type STRING = Types.StringType.get();
  private static final Type DOUBLE = Types.DoubleType.get();

  @Test
  void schemasSharingHalfTheColumnsAreCompatible() {
    Schema table = schema("id", LONG, "title", STRING, "genre", STRING, "year", INT);
    assertThat(Schemas.compatible(table, schema("id", LONG, "title", STRING), Set.of())).isTrue();
    assertThat(
            Schemas.compatible(
                table, schema("id", LONG, "title", STRING, "rating", DOUBLE), Set.of()))
        .isTrue();
    assertThat(Schemas.compatible(table, schema("user", STRING, "email", STRING), Set.of()))
        .isFalse();
    assertThat(
            Schemas.compatible(
                schema("a", LONG, "b", LONG, "c", LONG, "d", LONG),
                schema("a", LONG, "x", LONG, "y", LONG, "z", LONG),
                Set.of()))
        .isFalse();
  }

  @Test
  void partitionColumnsDoNotMakeSchemasCompatible() {
    Schema a = schema("user", STRING, "dt", STRING);
    Schema b = schema("show", STRING, "dt", STRING);
    assertThat(Schemas.compatible(a, b, Set.of())).isTrue();
    assertThat(Schemas.compatible(a, b, Set.of("dt"))).isFalse();
  }

  @Test
  void mergeUnitesColumnsAndWidensTypes() {
    Schema merged =
        Schemas.merge(schema("id", INT, "name", STRING), schema("id", LONG, "score", DOUBLE));
    assertThat(Schemas.columnNames(merged)).containsExactly("id", "name", "score");
    assertThat(merged.findType("id")).isEqualTo(LONG);
    assertThat(merged.columns()).allMatch(Types.NestedField::isOptional);
  }

  @Test
  void adaptKeepsTheTablesWiderType() {
    Schema table = schema("id", LONG, "title", STRING);
    Schema adapted = Schemas.adapt(schema("id", INT, "title", LONG, "extra", DOUBLE), table);
    assertThat(adapted.findType("id")).isEqualTo(LONG);
    assertThat(adapted.findType("title")).isEqualTo(STRING);
    assertThat(adapted.findType("extra")).isEqualTo(DOUBLE);
  }

  @Test
  void adaptLeavesIncompatibleTypesForTheUpdateToReject() {
    Schema adapted = Schemas.adapt(schema("id", STRING), schema("id", LONG));
    assertThat(adapted.findType("id")).isEqualTo(STRING);
  }

  @Test
  void mergeAssignsFreshIdsAtEveryDepth() {
    // the shapes of issue 10: nested ids of the files collided with the new top-level ids
    Types.StructType prefs =
        Types.StructType.of(
            Types.NestedField.optional(
                1, "genres", Types.ListType.ofOptional(2, Types.StringType.get())),
            Types.NestedField.optional(2, "notifications", Types.BooleanType.get()));
    Types.StructType geo =
        Types.StructType.of(
            Types.NestedField.optional(1, "country", STRING),
            Types.NestedField.optional(2, "city", STRING));
    Schema first = Schemas.build(mapOf("user", (Type) STRING, "prefs", prefs, "geo", geo));
    Schema second =
        Schemas.build(mapOf("user", (Type) STRING, "prefs", prefs, "geo", geo, "signup", STRING));

    Schema merged = Schemas.merge(first, second);

    assertThat(Schemas.columnNames(merged)).containsExactly("user", "prefs", "geo", "signup");
    assertThat(merged.findType("prefs.notifications")).isEqualTo(Types.BooleanType.get());
    assertThat(merged.findType("prefs.genres.element")).isEqualTo(STRING);
    assertThat(merged.findType("geo.city")).isEqualTo(STRING);
    assertThat(merged.highestFieldId()).isEqualTo(9);
  }

  @Test
  void adaptKeepsTheTablesWiderTypeAtEveryDepth() {
    Schema table =
        Schemas.build(
            mapOf(
                "s",
                (Type)
                    Types.StructType.of(
                        Types.NestedField.optional(
                            1, "items", Types.ListType.ofOptional(2, structOf("n", LONG))))));
    Schema file =
        Schemas.build(
            mapOf(
                "s",
                (Type)
                    Types.StructType.of(
                        Types.NestedField.optional(
                            1, "items", Types.ListType.ofOptional(2, structOf("n", INT))))));
    assertThat(Schemas.adapt(file, table).findType("s.items.element.n")).isEqualTo(LONG);
  }

  private static Types.StructType structOf(String name, Type type) {
    return Types.StructType.of(Types.NestedField.optional(1, name, type));
  }

  private static Map<String, Type> mapOf(Object... pairs) {
    Map<String, Type> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Type) pairs[i + 1]);
    }
    return map;
  }
}
