package io.tributary.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Keeps web pages in the user's browser from driving the platform (cross-site requests and DNS
 * rebinding), checked before every route:
 *
 * <ul>
 *   <li>the {@code Host} header must name this platform: {@code localhost}, {@code 127.0.0.1} or
 *       {@code [::1]} with the listening port when bound to loopback; the bound address (and, bound
 *       to every address, the machine's names and addresses) otherwise — 421 {@code
 *       misdirected_request} for any other name;
 *   <li>an {@code Origin} header, sent by browsers on cross-site requests, must be one of those
 *       hosts over {@code http} — 403 {@code forbidden_origin} otherwise;
 *   <li>a request with a body to a JSON route must say {@code Content-Type: application/json} — 415
 *       {@code unsupported_media_type} otherwise (so no HTML form or "simple" cross-site request
 *       can reach it). Record and message routes check their NDJSON types themselves; landing
 *       accepts any file. Console pages take HTML forms and check a CSRF token ({@link
 *       AccessGate}).
 * </ul>
 *
 * <p>No CORS headers are ever sent, so browsers keep cross-origin scripts from reading answers.
 */
final class RequestGuard {
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Set<HandlerType> WITH_BODY =
      Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH);

  private final Set<String> hostNames;
  private final IntSupplier port;

  /**
   * @param bindHost the configured {@code http.host}
   * @param port the port the server listens on, read once it is bound
   */
  RequestGuard(String bindHost, IntSupplier port) {
    this.hostNames = Collections.unmodifiableSet(hostNames(bindHost));
    this.port = port;
  }

  /** The host names (lower case, IPv6 in brackets) this platform answers to. */
  Set<String> hostNames() {
    return hostNames;
  }

  /** Throws the error for a request the platform must refuse; returns for any other. */
  void check(Context ctx) {
    checkHost(ctx.header("Host"));
    checkOrigin(ctx.header("Origin"));
    checkContentType(ctx);
  }

  private void checkHost(String host) {
    if (host == null || !allowed(host)) {
      throw new InvalidInputException(
          ErrorCode.MISDIRECTED_REQUEST,
          "Host '"
              + printable(host)
              + "' is not this platform: use one of "
              + String.join(", ", hostNames)
              + " with port "
              + port.getAsInt()
              + " (names set by http.host)");
    }
  }

  private void checkOrigin(String origin) {
    if (origin == null) {
      return;
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || !"http".equalsIgnoreCase(uri.getScheme())
        || uri.getRawAuthority() == null
        || !allowed(uri.getRawAuthority())) {
      throw new InvalidInputException(
          ErrorCode.FORBIDDEN_ORIGIN,
          "Cross-origin request from '"
              + printable(origin)
              + "' refused: the platform serves no web pages of other origins");
    }
  }

  private static void checkContentType(Context ctx) {
    if (!WITH_BODY.contains(ctx.method()) || !isJsonRoute(ctx.path())) {
      return;
    }
    String type = ctx.header("Content-Type");
    boolean empty = ctx.req().getContentLengthLong() == 0;
    if (type == null ? empty : isJson(type) || (isYaml(type) && isDashboard(ctx.path()))) {
      return;
    }
    throw new InvalidInputException(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Unsupported content type '"
            + printable(type)
            + "' for "
            + ctx.method()
            + " "
            + ctx.path()
            + ": send Content-Type: application/json");
  }

  /**
   * A dashboard definition may be sent as YAML: {@code application/yaml} (or {@code
   * application/x-yaml}, {@code text/yaml}), none of which a cross-site form or "simple" request
   * can send.
   */
  private static boolean isYaml(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/yaml")
        || type.equals("application/x-yaml")
        || type.equals("text/yaml");
  }

  private static boolean isDashboard(String path) {
    return path.startsWith("/v1/dashboards/") && path.indexOf('/', "/v1/dashboards/".length()) < 0;
  }

  private static boolean isJson(String contentType) {
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("application/json");
  }

  /**
   * Every API route takes JSON bodies but records, topic messages (NDJSON) and landing (files);
   * console pages (outside {@code /v1/} and {@code /iceberg/}) take HTML forms, protected by their
   * session's CSRF token instead.
   */
  private static boolean isJsonRoute(String path) {
    if (!path.startsWith("/v1/") && !path.startsWith("/iceberg/")) {
      return false;
    }
    return !(path.startsWith("/v1/landing/")
        || path.equals(IcebergOAuth.PATH)
        || (path.startsWith("/v1/streams/") && path.endsWith("/records"))
        || (path.startsWith("/v1/topics/") && path.endsWith("/messages")));
  }

  private boolean allowed(String authority) {
    String text = authority.toLowerCase(Locale.ROOT);
    int colon = text.lastIndexOf(':');
    if (colon < 0 || colon < text.lastIndexOf(']')) {
      return false; // the platform never listens on port 80, so a Host names its port
    }
    return text.substring(colon + 1).equals(Integer.toString(port.getAsInt()))
        && hostNames.contains(text.substring(0, colon));
  }

  private static Set<String> hostNames(String bindHost) {
    Set<String> names = new LinkedHashSet<>();
    InetAddress bound;
    try {
      bound = InetAddress.getByName(bindHost);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Invalid http.host: '" + bindHost + "' (unknown)", e);
    }
    names.add(bindHost.toLowerCase(Locale.ROOT));
    names.add(literal(bound));
    if (bound.isLoopbackAddress() || bound.isAnyLocalAddress()) {
      names.addAll(LOOPBACK_NAMES);
    }
    if (bound.isAnyLocalAddress()) {
      try {
        names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
      } catch (UnknownHostException e) {
        // no name for this machine: its addresses still serve
      }
      try {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          Collections.list(nic.getInetAddresses()).forEach(a -> names.add(literal(a)));
        }
      } catch (SocketException e) {
        throw new IllegalStateException("Cannot list this machine's network addresses", e);
      }
    }
    return names;
  }

  private static String literal(InetAddress address) {
    String text = address.getHostAddress().toLowerCase(Locale.ROOT);
    int zone = text.indexOf('%');
    if (zone >= 0) {
      text = text.substring(0, zone);
    }
    return text.contains(":") ? "[" + text + "]" : text;
  }

  /** A header value safe to echo: at most 100 characters, control characters replaced. */
  private static String printable(String value) {
    if (value == null) {
      return "";
    }
    String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
