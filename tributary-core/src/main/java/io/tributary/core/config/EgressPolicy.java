package io.tributary.core.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where functions may send requests, and where each secret may go: config {@code egress:
 * {allowed-hosts: [...]}} and {@code secrets: {<name>: {allowed-hosts: [...]}}}.
 *
 * <p>A URL may be called only when an entry of {@code egress.allowed-hosts} matches its host (and
 * its port, when the entry has one). Nothing is allowed by default. After DNS resolution, every
 * address the host resolves to is checked again: a loopback, link-local, wildcard or multicast
 * address is refused unless the matching entry names that address itself ({@code 127.0.0.1:8081},
 * {@code [::1]}, or {@code localhost} for loopback); an address of this machine at one of the
 * platform's own listener ports (HTTP, Kafka) is refused unless the matching entry names the
 * address and that port. A secret may be sent only to a URL one of its own {@code allowed-hosts}
 * entries matches, like a resource policy attached to the secret; a secret without a definition may
 * be sent nowhere.
 *
 * @param allowedHosts the hosts functions may call
 * @param secretHosts by secret name, the hosts each secret may be sent to
 * @param platformPorts the ports the platform itself listens on (HTTP, Kafka)
 */
public record EgressPolicy(
    List<HostRule> allowedHosts,
    Map<String, List<HostRule>> secretHosts,
    Set<Integer> platformPorts) {

  /** Nothing allowed. */
  public static final EgressPolicy NONE = new EgressPolicy(List.of(), Map.of(), Set.of());

  private static final Pattern SECRET = Pattern.compile("\\$\\{secret:([^}]*)}");

  public EgressPolicy {
    allowedHosts = List.copyOf(allowedHosts);
    Map<String, List<HostRule>> copied = new LinkedHashMap<>();
    secretHosts.forEach((name, rules) -> copied.put(name, List.copyOf(rules)));
    secretHosts = Map.copyOf(copied);
    platformPorts = Set.copyOf(platformPorts);
  }

  /** This policy, refusing also the given platform listener ports. */
  public EgressPolicy withPlatformPorts(Set<Integer> ports) {
    return new EgressPolicy(allowedHosts, secretHosts, ports);
  }

  /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} in production. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Why a request is refused: a stable rule name and a sentence naming the URL and the rule. */
  public record Denial(String rule, String message) {
    public Denial {
      Objects.requireNonNull(rule, "rule is null");
      Objects.requireNonNull(message, "message is null");
    }
  }

  /**
   * One {@code allowed-hosts} entry: {@code host} or {@code host:port}, IPv6 addresses in brackets.
   *
   * @param host lower-case, IPv6 without brackets
   * @param port the port, or -1 for any
   */
  public record HostRule(String host, int port) {
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public HostRule {
      Objects.requireNonNull(host, "host is null");
      if (port < -1 || port == 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not 1-65535");
      }
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static HostRule parse(String text) {
      Objects.requireNonNull(text, "text is null");
      String entry = text.trim().toLowerCase(Locale.ROOT);
      String host;
      String port = null;
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("unclosed '[' in '" + text + "'");
        }
        host = entry.substring(1, close);
        String rest = entry.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("expected ':port' after ']' in '" + text + "'");
          }
          port = rest.substring(1);
        }
        if (!host.contains(":") || !host.matches("[0-9a-f:.]+")) {
          throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
        }
      } else {
        int colon = entry.lastIndexOf(':');
        host = colon < 0 ? entry : entry.substring(0, colon);
        port = colon < 0 ? null : entry.substring(colon + 1);
        if (!HOST.matcher(host).matches()) {
          throw new IllegalArgumentException(
              "'" + text + "' is not a host name, an IPv4 address or a bracketed IPv6 address");
        }
      }
      int number = -1;
      if (port != null) {
        try {
          number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + port + "' is not a port number", e);
        }
      }
      return new HostRule(host, number);
    }

    /** Whether this entry matches a URL's host (lower-case, IPv6 unbracketed) and port. */
    boolean matches(String urlHost, int urlPort) {
      return host.equals(urlHost) && (port == -1 || port == urlPort);
    }

    /** Whether this entry names {@code address} itself, as an IP literal or as localhost. */
    boolean names(InetAddress address) {
      if (host.equals("localhost")) {
        return address.isLoopbackAddress();
      }
      if (!isLiteral(host)) {
        return false;
      }
      try {
        return InetAddress.getByName(host).equals(address); // a literal: no lookup
      } catch (UnknownHostException e) {
        return false;
      }
    }

    static boolean isLiteral(String host) {
      return IPV4.matcher(host).matches() || host.contains(":");
    }

    @Override
    public String toString() {
      String shown = host.contains(":") ? "[" + host + "]" : host;
      return port == -1 ? shown : shown + ":" + port;
    }
  }

  /**
   * Checks a function's URL template and header values before it is saved: an http(s) URL whose
   * host and port are fixed (no placeholder before the path), allowed by {@code allowed-hosts}, and
   * every secret its headers refer to allowed to go there.
   *
   * @return why it is refused, if it is
   */
  public Optional<Denial> checkTemplate(UrlTemplate url, Map<String, String> headers) {
    String text = url.text();
    int authorityEnd = authorityEnd(text);
    int placeholder = text.indexOf('{');
    if (placeholder >= 0 && placeholder < authorityEnd) {
      return Optional.of(
          new Denial(
              "egress_host_placeholder",
              "URL "
                  + text
                  + ": a placeholder in the host or port would let a message choose where the"
                  + " request goes; write the host and port out"));
    }
    URI uri = URI.create(text.substring(0, authorityEnd) + "/");
    Optional<Denial> host = checkHost(uri, text);
    if (host.isPresent()) {
      return host;
    }
    return checkSecrets(uri, text, headers);
  }

  /**
   * Checks one request just before it is sent: the URL's host, then every address the host resolves
   * to now (see the class comment), then the secrets in its headers.
   *
   * @return why it is refused, if it is
   */
  public Optional<Denial> checkRequest(URI uri, Map<String, String> headers, Resolver resolver) {
    Optional<Denial> host = checkHost(uri, uri.toString());
    if (host.isPresent()) {
      return host;
    }
    Optional<Denial> secrets = checkSecrets(uri, uri.toString(), headers);
    if (secrets.isPresent()) {
      return secrets;
    }
    String name = hostOf(uri);
    int port = portOf(uri);
    List<HostRule> rules = allowedHosts.stream().filter(r -> r.matches(name, port)).toList();
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(name);
    } catch (UnknownHostException e) {
      return Optional.empty(); // the request fails to connect, as a retriable failure
    }
    for (InetAddress address : addresses) {
      Optional<Denial> denial = checkAddress(uri, rules, address, port);
      if (denial.isPresent()) {
        return denial;
      }
    }
    return Optional.empty();
  }

  /**
   * Checks a connection that is not an HTTP request, such as to an SMTP server, as {@link
   * #checkRequest} checks a URL: an entry of {@code allowed-hosts} must match {@code host:port},
   * then every address {@code resolver} gives for the host now (a resolver answering no address
   * checks the entry alone, for a check at load time).
   *
   * @param what what connects, for messages (e.g. {@code "SMTP server"})
   * @return why it is refused, if it is
   */
  public Optional<Denial> checkConnection(String what, String host, int port, Resolver resolver) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    HostRule target = new HostRule(name, port);
    String shown = what + " " + target;
    List<HostRule> rules = new ArrayList<>();
    for (HostRule rule : allowedHosts) {
      if (rule.matches(name, port)) {
        rules.add(rule);
      }
    }
    if (rules.isEmpty()) {
      return Optional.of(
          new Denial(
              "egress_not_allowed",
              shown + " is not in egress.allowed-hosts " + allowedHosts + " (add it to allow it)"));
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(name);
    } catch (UnknownHostException e) {
      return Optional.empty(); // the connection fails, as a retriable failure
    }
    URI uri = URI.create("tcp://" + target + "/");
    for (InetAddress address : addresses) {
      Optional<Denial> denial = checkAddress(uri, rules, address, port);
      if (denial.isPresent()) {
        return Optional.of(
            new Denial(denial.get().rule(), denial.get().message().replace("URL " + uri, shown)));
      }
    }
    return Optional.empty();
  }

  /** Checks one resolved address against the entries matching the URL (all of the same host). */
  private Optional<Denial> checkAddress(
      URI uri, List<HostRule> rules, InetAddress address, int port) {
    boolean named = rules.get(0).names(address);
    String kind = specialKind(address);
    if (kind != null && !named) {
      return Optional.of(
          new Denial(
              "egress_special_address",
              "URL "
                  + uri
                  + ": host "
                  + hostOf(uri)
                  + " resolves to "
                  + kind
                  + " address "
                  + address.getHostAddress()
                  + ", refused unless egress.allowed-hosts names that address itself"));
    }
    if (platformPorts.contains(port)
        && isLocal(address)
        && !(named && rules.stream().anyMatch(rule -> rule.port() == port))) {
      return Optional.of(
          new Denial(
              "egress_platform_listener",
              "URL "
                  + uri
                  + ": "
                  + address.getHostAddress()
                  + ":"
                  + port
                  + " is one of the platform's own listeners, refused unless egress.allowed-hosts"
                  + " names that address and port"));
    }
    return Optional.empty();
  }

  /** Checks the scheme, host and port; {@code shown} is the URL as errors show it. */
  private Optional<Denial> checkHost(URI uri, String shown) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return Optional.of(
          new Denial("egress_scheme", "URL " + shown + ": only http:// and https:// URLs"));
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of(
          new Denial("egress_user_info", "URL " + shown + ": no user info before the host"));
    }
    String host = hostOf(uri);
    int port = portOf(uri);
    if (matching(allowedHosts, host, port).isEmpty()) {
      return Optional.of(
          new Denial(
              "egress_not_allowed",
              "URL "
                  + shown
                  + ": host "
                  + new HostRule(host, port)
                  + " is not in egress.allowed-hosts "
                  + allowedHosts
                  + " (add it there to allow the platform to call it)"));
    }
    return Optional.empty();
  }

  private Optional<Denial> checkSecrets(URI uri, String shown, Map<String, String> headers) {
    String host = hostOf(uri);
    int port = portOf(uri);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      Matcher m = SECRET.matcher(header.getValue());
      while (m.find()) {
        String secret = m.group(1);
        List<HostRule> rules = secretHosts.get(secret);
        if (rules == null) {
          return Optional.of(
              new Denial(
                  "secret_not_declared",
                  "URL "
                      + shown
                      + ": header "
                      + header.getKey()
                      + " refers to secret '"
                      + secret
                      + "', which has no definition: declare secrets."
                      + secret
                      + ".allowed-hosts in the config to say where it may be sent"));
        }
        if (matching(rules, host, port).isEmpty()) {
          return Optional.of(
              new Denial(
                  "secret_host_not_allowed",
                  "URL "
                      + shown
                      + ": header "
                      + header.getKey()
                      + " would send secret '"
                      + secret
                      + "' to "
                      + new HostRule(host, port)
                      + ", which is not in secrets."
                      + secret
                      + ".allowed-hosts "
                      + rules));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<HostRule> matching(List<HostRule> rules, String host, int port) {
    return rules.stream().filter(rule -> rule.matches(host, port)).findFirst();
  }

  /** The URL's host, lower-case, IPv6 without brackets. */
  static String hostOf(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The URL's port, or its scheme's default. */
  static int portOf(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static int authorityEnd(String text) {
    int start = text.indexOf("://");
    int from = start < 0 ? 0 : start + 3;
    int end = text.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int at = text.indexOf(c, from);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    return end;
  }

  /** The kind of address only an entry naming it may reach, or null for an ordinary address. */
  private static String specialKind(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return "loopback";
    }
    if (address.isLinkLocalAddress()) {
      return "link-local";
    }
    if (address.isAnyLocalAddress()) {
      return "wildcard";
    }
    if (address.isMulticastAddress()) {
      return "multicast";
    }
    if (address instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
      return "IPv4-compatible IPv6";
    }
    return null;
  }

  /** Whether {@code address} is this machine's: loopback, wildcard or a local interface's. */
  private static boolean isLocal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return true; // cannot tell: treat as local, the safe side
    }
  }

  /**
   * Parses {@code egress: {allowed-hosts: [...]}} and {@code secrets: {<name>: {allowed-hosts:
   * [...]}}}.
   */
  static EgressPolicy fromConfig(ConfigNode egress, ConfigNode secrets) {
    egress.allowOnly("allowed-hosts");
    List<HostRule> allowed = rules(egress, "allowed-hosts");
    Map<String, List<HostRule>> secretHosts = new LinkedHashMap<>();
    for (Iterator<String> names = secrets.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.matches("[A-Za-z0-9_.-]+")) {
        throw ConfigException.invalid(
            "secrets", name, "a secret name is letters, digits, '_', '.' and '-'");
      }
      ConfigNode secret = secrets.child(name).allowOnly("allowed-hosts");
      secretHosts.put(name, rules(secret, "allowed-hosts"));
    }
    return new EgressPolicy(allowed, secretHosts, Set.of());
  }

  private static List<HostRule> rules(ConfigNode node, String key) {
    List<HostRule> rules = new ArrayList<>();
    List<String> entries = node.strings(key);
    for (int i = 0; i < entries.size(); i++) {
      try {
        rules.add(HostRule.parse(entries.get(i)));
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid(
            node.path() + "." + key + "[" + i + "]", entries.get(i), e.getMessage());
      }
    }
    return rules;
  }
}
