package io.tributary.batch.format;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Arrays;

/**
 * Records of a CSV text with Jackson's CSV parser: RFC 4180 quoting (a quoted field may hold
 * delimiters and line breaks, a quote inside it is doubled), no escape character, blank lines
 * skipped. Line numbers are counted here (line breaks between records and inside quoted fields).
 * Used by both sampling and reading, so both split records the same way.
 */
final class CsvRecords implements Closeable {
  private static final CsvFactory FACTORY =
      new CsvFactory().enable(CsvParser.Feature.SKIP_EMPTY_LINES);

  private final CsvParser parser;
  private String[] fields = new String[16];
  private int size;
  private long line;
  private long nextLine = 1;

  CsvRecords(Reader reader, char delimiter, char quote) throws IOException {
    this(FACTORY.createParser(reader), delimiter, quote);
  }

  /** Over UTF-8 bytes (Jackson's own decoder: faster than an {@code InputStreamReader}). */
  CsvRecords(InputStream utf8, char delimiter, char quote) throws IOException {
    this(FACTORY.createParser(utf8), delimiter, quote);
  }

  private CsvRecords(CsvParser parser, char delimiter, char quote) {
    this.parser = parser;
    parser.setSchema(
        CsvSchema.emptySchema()
            .withColumnSeparator(delimiter)
            .withQuoteChar(quote)
            .withoutEscapeChar());
  }

  /**
   * Reads the next record into {@link #fields()}; false at the end of the text.
   *
   * @throws IOException on a syntax error (Jackson's {@code JsonProcessingException}) or a read
   *     error
   */
  boolean next() throws IOException {
    while (true) {
      if (!nextRecord()) {
        return false;
      }
      line = nextLine;
      long breaks = 0;
      for (int i = 0; i < size; i++) {
        breaks += lineBreaks(fields[i]);
      }
      nextLine = line + breaks + 1;
      if (size > 1 || !fields[0].isBlank()) {
        return true;
      }
    }
  }

  private static int lineBreaks(String s) {
    int n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 == len || s.charAt(i + 1) != '\n'))) {
        n++;
      }
    }
    return n;
  }

  private boolean nextRecord() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == null) {
      return false;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new IOException("unexpected CSV token " + t);
    }
    size = 0;
    while ((t = parser.nextToken()) == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL) {
      if (size == fields.length) {
        fields = Arrays.copyOf(fields, size * 2);
      }
      fields[size++] = t == JsonToken.VALUE_NULL ? "" : parser.getText();
    }
    if (t != JsonToken.END_ARRAY) {
      throw new IOException("unexpected CSV token " + t);
    }
    if (size == 0) {
      fields[size++] = "";
    }
    return true;
  }

  /** The current record's fields: {@code fields()[0, size())}; reused by the next record. */
  String[] fields() {
    return fields;
  }

  int size() {
    return size;
  }

  /** The 1-based line the current record starts on. */
  long line() {
    return line;
  }

  /** The line the next record starts on (or the current one, after a syntax error). */
  long nextLine() {
    return nextLine;
  }

  /** A copy of the current record. */
  String[] copy() {
    return Arrays.copyOf(fields, size);
  }

  /** The current record as CSV text, quoting fields that need it. */
  String render(char delimiter, char quote) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        out.append(delimiter);
      }
      String f = fields[i];
      boolean quoted =
          f.indexOf(delimiter) >= 0
              || f.indexOf(quote) >= 0
              || f.indexOf('\n') >= 0
              || f.indexOf('\r') >= 0;
      if (quoted) {
        out.append(quote);
        for (int k = 0; k < f.length(); k++) {
          char c = f.charAt(k);
          if (c == quote) {
            out.append(quote);
          }
          out.append(c);
        }
        out.append(quote);
      } else {
        out.append(f);
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
