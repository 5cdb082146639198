package io.tributary.lake;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A row as the {@link Flattener} makes it: column names and values in two arrays, in insertion
 * order, as a {@link Map} ({@code null} values allowed, not {@code null} keys). A row of a stream
 * lives from its parsing until its chunk is written, so its size is most of what a delivery's rows
 * hold on the heap: two arrays take about a quarter of a {@code LinkedHashMap}'s entries and table.
 * Small rows find a key by a scan; a row of more than {@link #SCANNED} columns builds an index on
 * its first lookup.
 */
final class FlatRow extends AbstractMap<String, Object> {
  /** Columns up to which a lookup scans the names instead of building an index. */
  static final int SCANNED = 64;

  private String[] keys;
  private Object[] values;
  private int size;
  private Map<String, Integer> index;
  private int modifications;

  /** An empty row with room for {@code capacity} columns before it grows. */
  FlatRow(int capacity) {
    this.keys = new String[Math.max(1, capacity)];
    this.values = new Object[keys.length];
  }

  /** The row as a {@code FlatRow}: itself if it is one, else a copy. */
  static FlatRow of(Map<String, Object> row) {
    if (row instanceof FlatRow flat) {
      return flat;
    }
    FlatRow copy = new FlatRow(row.size());
    row.forEach(copy::put);
    return copy;
  }

  /**
   * Adds a column the row does not have (the caller knows it: no lookup), keeping the name's
   * instance.
   */
  void append(String key, Object value) {
    if (size == keys.length) {
      int length = Math.max(4, size * 2);
      keys = Arrays.copyOf(keys, length);
      values = Arrays.copyOf(values, length);
    }
    keys[size] = key;
    values[size] = value;
    if (index != null) {
      index.put(key, size);
    }
    size++;
    modifications++;
  }

  /** The name of column {@code i}, in insertion order. */
  String keyAt(int i) {
    Objects.checkIndex(i, size);
    return keys[i];
  }

  /** The value of column {@code i}, in insertion order. */
  Object valueAt(int i) {
    Objects.checkIndex(i, size);
    return values[i];
  }

  private int indexOf(Object key) {
    if (key == null) {
      return -1;
    }
    if (size <= SCANNED) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }
    if (index == null) {
      index = new HashMap<>(size * 2);
      for (int i = 0; i < size; i++) {
        index.put(keys[i], i);
      }
    }
    Integer found = index.get(key);
    return found == null ? -1 : found;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public Object put(String key, Object value) {
    Objects.requireNonNull(key, "key is null");
    int i = indexOf(key);
    if (i >= 0) {
      Object previous = values[i];
      values[i] = value;
      return previous;
    }
    append(key, value);
    return null;
  }

  @Override
  public Object remove(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : removeAt(i);
  }

  private Object removeAt(int i) {
    Object previous = values[i];
    System.arraycopy(keys, i + 1, keys, i, size - i - 1);
    System.arraycopy(values, i + 1, values, i, size - i - 1);
    size--;
    keys[size] = null;
    values[size] = null;
    index = null;
    modifications++;
    return previous;
  }

  @Override
  public void clear() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    index = null;
    modifications++;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    int expected = modifications;
    for (int i = 0; i < size; i++) {
      action.accept(keys[i], values[i]);
      if (modifications != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;
          private int last = -1;
          private int expected = modifications;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, Object> next() {
            if (modifications != expected) {
              throw new ConcurrentModificationException();
            }
            if (next >= size) {
              throw new NoSuchElementException();
            }
            last = next++;
            return new Column(last);
          }

          @Override
          public void remove() {
            if (last < 0) {
              throw new IllegalStateException("next() not called, or remove() called already");
            }
            if (modifications != expected) {
              throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
          }
        };
      }
    };
  }

  /** A column of the row; its value writes through. */
  private final class Column implements Entry<String, Object> {
    private final int i;
    private final String key;

    Column(int i) {
      this.i = i;
      this.key = keys[i];
    }

    @Override
    public String getKey() {
      return key;
    }

    @Override
    public Object getValue() {
      return values[i];
    }

    @Override
    public Object setValue(Object value) {
      Object previous = values[i];
      values[i] = value;
      return previous;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry<?, ?> e
          && key.equals(e.getKey())
          && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return key.hashCode() ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return key + "=" + getValue();
    }
  }
}
