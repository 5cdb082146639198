package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FlatRowTest {
  @Test
  void keepsInsertionOrderAndReplacesInPlace() {
    FlatRow row = new FlatRow(1);
    row.put("b", 1L);
    row.put("a", null);
    row.put("c", "x");
    assertThat(row.put("a", 2L)).isNull();
    assertThat(row.put("b", 3L)).isEqualTo(1L);
    assertThat(row).containsExactly(entry("b", 3L), entry("a", 2L), entry("c", "x"));
    assertThat(row.keyAt(1)).isEqualTo("a");
    assertThat(row.valueAt(2)).isEqualTo("x");
    assertThat(row).isEqualTo(Map.of("a", 2L, "b", 3L, "c", "x"));
    assertThat(row.hashCode()).isEqualTo(Map.of("a", 2L, "b", 3L, "c", "x").hashCode());
  }

  @Test
  void entriesWriteThroughAndIteratorsRemove() {
    FlatRow row = new FlatRow(4);
    row.put("a", 1L);
    row.put("b", 2L);
    row.put("c", 3L);
    Iterator<Map.Entry<String, Object>> it = row.entrySet().iterator();
    it.next().setValue(10L);
    it.next();
    it.remove();
    assertThat(row).containsExactly(entry("a", 10L), entry("c", 3L));
    assertThat(it.next().getKey()).isEqualTo("c");
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void failsFastWhenChangedDuringIteration() {
    FlatRow row = new FlatRow(2);
    row.put("a", 1L);
    row.put("b", 2L);
    assertThatThrownBy(() -> row.forEach((k, v) -> row.put(k + "_copy", v)))
        .isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(() -> row.keyAt(row.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> row.put(null, 1L)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void copiesOtherMapsAndKeepsItself() {
    FlatRow row = new FlatRow(0);
    assertThat(FlatRow.of(row)).isSameAs(row);
    Map<String, Object> other = new LinkedHashMap<>();
    other.put("x", null);
    other.put("y", "z");
    assertThat(FlatRow.of(other)).containsExactly(entry("x", null), entry("y", "z"));
  }

  /**
   * Random puts, removes, lookups and clears, on rows small enough to be scanned and large enough
   * to be indexed, behave as a {@code LinkedHashMap} does.
   */
  @Property(seed = "20261206", tries = 300)
  void behavesAsALinkedHashMap(
      @ForAll @IntRange(min = 1, max = 60) int keys, @ForAll("seeds") long seed) {
    Random random = new Random(seed);
    FlatRow row = new FlatRow(random.nextInt(4));
    Map<String, Object> oracle = new LinkedHashMap<>();
    for (int step = 0; step < 400; step++) {
      // equal names as distinct instances: lookups must not depend on identity
      String key = new String("k" + random.nextInt(keys));
      Object value = random.nextInt(5) == 0 ? null : (long) random.nextInt(100);
      switch (random.nextInt(10)) {
        case 0, 1, 2, 3 -> assertThat(row.put(key, value)).isEqualTo(oracle.put(key, value));
        case 4 -> assertThat(row.remove(key)).isEqualTo(oracle.remove(key));
        case 5 -> {
          if (random.nextInt(20) == 0) {
            row.clear();
            oracle.clear();
          }
        }
        default -> {
          assertThat(row.get(key)).isEqualTo(oracle.get(key));
          assertThat(row.containsKey(key)).isEqualTo(oracle.containsKey(key));
        }
      }
      assertThat(row.size()).isEqualTo(oracle.size());
    }
    List<Map.Entry<String, Object>> entries = new ArrayList<>(oracle.entrySet());
    assertThat(new ArrayList<>(row.entrySet())).containsExactlyElementsOf(entries);
    assertThat(row).isEqualTo(oracle);
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }
}
