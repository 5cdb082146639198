package io.tributary.batch.format;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Detects a CSV dialect and infers column types from a text sample.
 *
 * <ul>
 *   <li>Delimiter and quote: every pair of {@code , ; \t |} and {@code " '} splits the first 200
 *       records (quote-aware); the pair whose modal field count (at least 2) covers the most
 *       records wins, ties to more fields, then {@code "} and the order above. Below 70% of the
 *       records at the modal count, the file is UNKNOWN: a single-column or free text file is never
 *       classified as CSV.
 *   <li>Header: the first record is a header when none of its cells is a typed value (number,
 *       boolean, date, timestamp), at least one is non-empty, and either some column's data is
 *       typed or no first-row cell repeats in its column's sampled data.
 *   <li>Columns: as many as the header or the modal field count, whichever is larger; unnamed ones
 *       are {@code col_<n>}; names normalised ({@link Names}).
 * </ul>
 */
final class CsvSniffer {
  private static final char[] DELIMITERS = {',', ';', '\t', '|'};
  private static final char[] QUOTES = {'"', '\''};
  private static final int SNIFF_RECORDS = 200;
  private static final double MIN_CONSISTENCY = 0.7;

  private CsvSniffer() {}

  static Classification classify(
      String text, boolean eof, Charset charset, boolean bom, SampleLimits limits, Compression c) {
    char bestDelimiter = 0;
    char bestQuote = '"';
    double bestConsistency = -1;
    int bestCount = 0;
    for (char d : DELIMITERS) {
      for (char q : QUOTES) {
        int[] counts = fieldCounts(text, d, q, eof);
        if (counts.length == 0) {
          continue;
        }
        int mode = mode(counts);
        if (mode < 2) {
          continue;
        }
        int at = 0;
        for (int k : counts) {
          if (k == mode) {
            at++;
          }
        }
        double consistency = at / (double) counts.length;
        if (consistency > bestConsistency || (consistency == bestConsistency && mode > bestCount)) {
          bestConsistency = consistency;
          bestCount = mode;
          bestDelimiter = d;
          bestQuote = q;
        }
      }
    }
    if (bestDelimiter == 0 || bestConsistency < MIN_CONSISTENCY) {
      return Classification.unknown(
          c,
          bestDelimiter == 0
              ? "no delimiter (, ; tab |) splits the text: a single-column or free text file is not"
                  + " classified as CSV"
              : String.format(
                  "no delimiter splits the lines consistently (best: '%s' with %d fields in %.0f%%"
                      + " of the records)",
                  printable(bestDelimiter), bestCount, bestConsistency * 100));
    }
    List<String[]> records = new ArrayList<>();
    try (CsvRecords csv = new CsvRecords(new StringReader(text), bestDelimiter, bestQuote)) {
      while (records.size() <= limits.maxRecords() && csv.next()) {
        records.add(csv.copy());
      }
      if (!eof && records.size() <= limits.maxRecords() && !records.isEmpty()) {
        records.remove(records.size() - 1); // possibly cut by the byte limit
      }
    } catch (IOException e) {
      if (records.isEmpty()) {
        return Classification.unknown(c, "unreadable CSV: " + e.getMessage());
      }
      if (!eof) {
        records.remove(records.size() - 1);
      }
    }
    if (records.isEmpty()) {
      return Classification.unknown(c, "no complete CSV record in the sample");
    }
    boolean decimalComma = bestDelimiter == ';';
    String[] first = records.get(0);
    List<String[]> data = records.subList(1, Math.min(records.size(), limits.maxRecords() + 1));
    int columns = Math.max(first.length, bestCount);
    Type[] types = new Type[columns];
    long[] min = new long[columns];
    long[] max = new long[columns];
    Arrays.fill(min, Long.MAX_VALUE);
    Arrays.fill(max, Long.MIN_VALUE);
    Map<Integer, Set<String>> dataValues = new HashMap<>();
    for (String[] record : data) {
      if (record.length > columns) {
        continue; // rejected when read
      }
      for (int i = 0; i < record.length; i++) {
        accept(record[i], i, types, min, max, decimalComma);
        if (dataValues.computeIfAbsent(i, k -> new HashSet<>()).size() < 1000) {
          dataValues.get(i).add(record[i]);
        }
      }
    }
    boolean header = isHeader(first, types, dataValues, decimalComma);
    if (!header) {
      if (first.length <= columns) {
        for (int i = 0; i < first.length; i++) {
          accept(first[i], i, types, min, max, decimalComma);
        }
      }
    }
    List<String> rawNames = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      rawNames.add(header && i < first.length ? first[i] : "");
    }
    List<String> names = Names.normalizeAll(rawNames);
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      Type type = types[i] == null ? Types.StringType.get() : types[i];
      if ((type.typeId() == Type.TypeID.INTEGER || type.typeId() == Type.TypeID.LONG)
          && TypeInference.suggestsTime(names.get(i))
          && TypeInference.plausibleEpoch(min[i], max[i])) {
        type = Types.TimestampType.withZone();
      }
      fields.add(TypeInference.field(i + 1, names.get(i), type));
    }
    CsvDialect dialect = new CsvDialect(bestDelimiter, bestQuote, header, charset, bom);
    return new Classification(
        Format.CSV,
        c,
        dialect,
        Schemas.fresh(Types.StructType.of(fields)),
        data.size() + (header ? 0 : 1),
        null);
  }

  private static void accept(
      String value, int i, Type[] types, long[] min, long[] max, boolean decimalComma) {
    Type t = TypeInference.typeOf(value, decimalComma);
    if (t == null) {
      return;
    }
    if (t.typeId() == Type.TypeID.INTEGER || t.typeId() == Type.TypeID.LONG) {
      long v = Long.parseLong(TextValues.trim(value));
      min[i] = Math.min(min[i], v);
      max[i] = Math.max(max[i], v);
    }
    types[i] = TypeInference.widen(types[i], t);
  }

  private static boolean isHeader(
      String[] first, Type[] types, Map<Integer, Set<String>> dataValues, boolean decimalComma) {
    boolean anyNonEmpty = false;
    for (String cell : first) {
      Type t = TypeInference.typeOf(cell, decimalComma);
      if (t != null && t.typeId() != Type.TypeID.STRING) {
        return false;
      }
      anyNonEmpty |= !cell.isBlank();
    }
    if (!anyNonEmpty) {
      return false;
    }
    for (Type t : types) {
      if (t != null && t.typeId() != Type.TypeID.STRING) {
        return true;
      }
    }
    for (int i = 0; i < first.length; i++) {
      Set<String> values = dataValues.get(i);
      if (!first[i].isEmpty() && values != null && values.contains(first[i])) {
        return false;
      }
    }
    return true;
  }

  private static String printable(char d) {
    return d == '\t' ? "\\t" : String.valueOf(d);
  }

  private static int mode(int[] counts) {
    Map<Integer, Integer> freq = new HashMap<>();
    int best = 0;
    int bestFreq = 0;
    for (int k : counts) {
      int f = freq.merge(k, 1, Integer::sum);
      if (f > bestFreq || (f == bestFreq && k > best)) {
        best = k;
        bestFreq = f;
      }
    }
    return best;
  }

  /**
   * Field counts of the first records of {@code text} split by {@code d} and {@code q}; blank lines
   * skipped; the last record dropped when the sample was cut ({@code !eof}).
   */
  static int[] fieldCounts(String text, char d, char q, boolean eof) {
    List<Integer> counts = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n && counts.size() <= SNIFF_RECORDS) {
      int fields = 1;
      int chars = 0;
      boolean atFieldStart = true;
      boolean ended = false;
      while (i < n) {
        char ch = text.charAt(i);
        if (atFieldStart && ch == q) {
          // quoted field: up to the closing quote ("" is a quote)
          i++;
          while (i < n) {
            char x = text.charAt(i);
            if (x == q) {
              if (i + 1 < n && text.charAt(i + 1) == q) {
                i += 2;
                continue;
              }
              break;
            }
            i++;
          }
          i++; // the closing quote
          chars++;
          atFieldStart = false;
          continue;
        }
        if (ch == d) {
          fields++;
          atFieldStart = true;
          i++;
          continue;
        }
        if (ch == '\n' || ch == '\r') {
          i++;
          if (ch == '\r' && i < n && text.charAt(i) == '\n') {
            i++;
          }
          ended = true;
          break;
        }
        atFieldStart = false;
        chars++;
        i++;
      }
      if (fields == 1 && chars == 0) {
        continue; // a blank line
      }
      if (!ended && !eof) {
        break; // the sample cut this record
      }
      counts.add(fields);
    }
    return counts.stream().mapToInt(Integer::intValue).toArray();
  }
}
