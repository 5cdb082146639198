package io.tributary.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@link java.net.http.HttpClient} will not send: any {@code
 * Host} header, a {@code Content-Length} the body does not match, a half-closed connection.
 */
final class RawHttp {
  /** The status, headers (lower-case names) and body of one answer. */
  record Answer(int status, Map<String, String> headers, String body) {}

  private final URI base;
  private final String authorization;

  /**
   * @param authorization the {@code Authorization} header every request sends, or null for none
   */
  RawHttp(URI base, String authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /**
   * Sends one request and reads the answer.
   *
   * @param headers sent as given, after {@code Connection: close}; include {@code Host}
   * @param body the bytes sent, whatever {@code Content-Length} says; the output is then shut down
   */
  Answer send(String method, String path, Map<String, String> headers, byte[] body) {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      head.append("Connection: close\r\n");
      if (authorization != null && !headers.containsKey("Authorization")) {
        head.append("Authorization: ").append(authorization).append("\r\n");
      }
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      socket.shutdownOutput();
      return parse(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The platform's own {@code host:port}, as a client that uses its URI sends it. */
  String host() {
    return base.getHost() + ":" + base.getPort();
  }

  private static Answer parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Answer(status, headers, end < 0 ? "" : text.substring(end + 4));
  }
}
