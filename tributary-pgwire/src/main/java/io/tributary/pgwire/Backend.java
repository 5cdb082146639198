package io.tributary.pgwire;

import io.tributary.query.QueryCursor;
import io.tributary.query.QueryResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Writes the backend messages of the protocol, one method per message. Not thread-safe. */
final class Backend {
  private final MessageWriter out;

  Backend(MessageWriter out) {
    this.out = out;
  }

  void authentication(int kind, byte[] data) throws IOException {
    out.begin('R').writeInt(kind).writeBytes(data).end();
  }

  void parameterStatus(String name, String value) throws IOException {
    out.begin('S').writeString(name).writeString(value).end();
  }

  void backendKeyData(int processId, int secret) throws IOException {
    out.begin('K').writeInt(processId).writeInt(secret).end();
  }

  void readyForQuery(Session.Transaction transaction) throws IOException {
    out.begin('Z').writeByte(transaction.indicator).end();
    out.flush();
  }

  void error(String severity, String sqlState, String message) throws IOException {
    out.begin('E');
    out.writeByte('S').writeString(severity);
    out.writeByte('V').writeString(severity);
    out.writeByte('C').writeString(sqlState);
    out.writeByte('M').writeString(message);
    out.writeByte(0).end();
  }

  void parseComplete() throws IOException {
    out.begin('1').end();
  }

  void bindComplete() throws IOException {
    out.begin('2').end();
  }

  void closeComplete() throws IOException {
    out.begin('3').end();
  }

  void noData() throws IOException {
    out.begin('n').end();
  }

  void emptyQuery() throws IOException {
    out.begin('I').end();
  }

  void portalSuspended() throws IOException {
    out.begin('s').end();
  }

  void commandComplete(String tag) throws IOException {
    out.begin('C').writeString(tag).end();
  }

  void parameterDescription(int[] types) throws IOException {
    out.begin('t').writeShort(types.length);
    for (int type : types) {
      out.writeInt(type);
    }
    out.end();
  }

  /** RowDescription; {@code formats} holds each column's format code (0 text, 1 binary). */
  void rowDescription(List<QueryResult.Column> columns, short[] formats) throws IOException {
    out.begin('T').writeShort(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      QueryResult.Column column = columns.get(i);
      PgType type = PgType.ofDuckDb(column.type());
      out.writeString(ColumnNames.postgres(column.name()))
          .writeInt(0)
          .writeShort(0)
          .writeInt(type.oid)
          .writeShort(type.length)
          .writeInt(PgType.typeModifier(column.type()))
          .writeShort(formats[i]);
    }
    out.end();
  }

  /** One DataRow of the cursor's current row, written by {@code encoder}. */
  void dataRow(RowEncoder encoder, QueryCursor cursor) throws IOException {
    encoder.write(out, cursor);
  }

  /** One DataRow of values already encoded ({@code null}: SQL NULL). */
  void dataRow(byte[][] values) throws IOException {
    out.begin('D').writeShort(values.length);
    for (byte[] value : values) {
      if (value == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(value.length).writeBytes(value);
      }
    }
    out.end();
  }

  void copyOutResponse(int columns) throws IOException {
    out.begin('H').writeByte(0).writeShort(columns);
    for (int i = 0; i < columns; i++) {
      out.writeShort(0);
    }
    out.end();
  }

  void copyData(String line) throws IOException {
    out.begin('d').writeBytes(line.getBytes(StandardCharsets.UTF_8)).end();
  }

  void copyDone() throws IOException {
    out.begin('c').end();
  }

  void startupParameters(Map<String, String> parameters) throws IOException {
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      parameterStatus(parameter.getKey(), parameter.getValue());
    }
  }

  void flush() throws IOException {
    out.flush();
  }

  void raw(char answer) throws IOException {
    out.raw(answer);
  }
}
