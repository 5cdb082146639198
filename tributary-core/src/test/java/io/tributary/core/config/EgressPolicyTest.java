package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
  private static final int API = 7070;
  private static final int KAFKA = 9092;

  /** A fake DNS: names to addresses, literals as themselves. */
  private static EgressPolicy.Resolver dns(Map<String, String[]> names) {
    return host -> {
      String[] addresses = names.get(host);
      if (addresses == null) {
        if (EgressPolicy.HostRule.isLiteral(host)) {
          return new InetAddress[] {InetAddress.getByName(host)};
        }
        throw new UnknownHostException(host);
      }
      InetAddress[] resolved = new InetAddress[addresses.length];
      for (int i = 0; i < addresses.length; i++) {
        resolved[i] = InetAddress.getByName(addresses[i]);
      }
      return resolved;
    };
  }

  private static final EgressPolicy.Resolver DNS =
      dns(
          Map.of(
              "catalog.internal", new String[] {"10.1.2.3"},
              "rebind.example", new String[] {"93.184.216.34", "127.0.0.1"},
              "metadata.example", new String[] {"169.254.169.254"},
              "localhost", new String[] {"127.0.0.1", "::1"},
              "public.example", new String[] {"93.184.216.34"}));

  private static EgressPolicy policy(String... hosts) {
    List<EgressPolicy.HostRule> rules = new ArrayList<>();
    for (String host : hosts) {
      rules.add(EgressPolicy.HostRule.parse(host));
    }
    return new EgressPolicy(
        rules,
        Map.of("token", List.of(EgressPolicy.HostRule.parse("catalog.internal"))),
        Set.of(API, KAFKA));
  }

  private static Optional<EgressPolicy.Denial> request(EgressPolicy policy, String url) {
    return policy.checkRequest(URI.create(url), Map.of(), DNS);
  }

  @Test
  void parsesEntries() {
    assertThat(EgressPolicy.HostRule.parse("Catalog.Internal"))
        .isEqualTo(new EgressPolicy.HostRule("catalog.internal", -1));
    assertThat(EgressPolicy.HostRule.parse("127.0.0.1:8081"))
        .isEqualTo(new EgressPolicy.HostRule("127.0.0.1", 8081));
    assertThat(EgressPolicy.HostRule.parse("[::1]:8081"))
        .isEqualTo(new EgressPolicy.HostRule("::1", 8081));
    assertThat(EgressPolicy.HostRule.parse("[::1]").toString()).isEqualTo("[::1]");
    for (String bad : List.of("http://x", "x:0", "x:70000", "x:y", "[::1", "a/b", "", "[zz]")) {
      assertThatThrownBy(() -> EgressPolicy.HostRule.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void configKeysParseAndNameTheBadEntry() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            """
            egress: { allowed-hosts: ["catalog.internal", "127.0.0.1:8081"] }
            secrets: { token: { allowed-hosts: [catalog.internal] } }
            """,
            "test");
    assertThat(config.egress().allowedHosts())
        .containsExactly(
            EgressPolicy.HostRule.parse("catalog.internal"),
            EgressPolicy.HostRule.parse("127.0.0.1:8081"));
    assertThat(config.egress().secretHosts())
        .containsEntry("token", List.of(EgressPolicy.HostRule.parse("catalog.internal")));
    assertThat(TributaryConfig.fromYaml("{}", "test").egress().allowedHosts()).isEmpty();
    assertThatThrownBy(
            () -> TributaryConfig.fromYaml("egress: { allowed-hosts: [\"a:b\"] }", "test"))
        .hasMessageContaining("egress.allowed-hosts[0]")
        .hasMessageContaining("a:b");
    assertThatThrownBy(() -> TributaryConfig.fromYaml("egress: { hosts: [a] }", "test"))
        .hasMessageContaining("hosts");
  }

  @Test
  void aFunctionInConfigAimedAtAHostNotListedIsRefusedAtLoad() {
    String functions =
        """
        topics: [ { name: changes } ]
        functions:
          - { name: f, topic: changes, type: http-enrich, url: "%s", emit-to: out }
        """;
    assertThatThrownBy(
            () ->
                TributaryConfig.fromYaml(
                    functions.formatted("http://127.0.0.1:7070/v1/query"), "test"))
        .hasMessageContaining("functions[0].url")
        .hasMessageContaining("http://127.0.0.1:7070/")
        .hasMessageContaining("egress_not_allowed");
    assertThat(
            TributaryConfig.fromYaml(
                    "egress: { allowed-hosts: [catalog.internal] }\n"
                        + functions.formatted("http://catalog.internal/shows/{id}"),
                    "test")
                .functions())
        .hasSize(1);
  }

  @Test
  void onlyListedHostsAreCalled() {
    EgressPolicy policy = policy("catalog.internal", "public.example:443");
    assertThat(request(policy, "http://catalog.internal/shows/1")).isEmpty();
    assertThat(request(policy, "http://CATALOG.internal:8080/shows/1")).isEmpty();
    assertThat(request(policy, "https://public.example/x")).isEmpty();
    assertThat(request(policy, "http://public.example/x").orElseThrow().rule())
        .isEqualTo("egress_not_allowed");
    EgressPolicy.Denial denial = request(policy, "http://evil.example/x").orElseThrow();
    assertThat(denial.rule()).isEqualTo("egress_not_allowed");
    assertThat(denial.message()).contains("http://evil.example/x").contains("egress.allowed-hosts");
    assertThat(request(policy, "ftp://catalog.internal/x").orElseThrow().rule())
        .isEqualTo("egress_scheme");
    assertThat(request(EgressPolicy.NONE, "http://catalog.internal/x")).isPresent();
  }

  @Test
  void loopbackLinkLocalAndThePlatformsListenersNeedAnEntryNamingThem() {
    // a listed name that resolves (or rebinds) to loopback or link-local is refused
    EgressPolicy names = policy("rebind.example", "metadata.example", "localhost");
    assertThat(request(names, "http://rebind.example/x").orElseThrow().rule())
        .isEqualTo("egress_special_address");
    assertThat(request(names, "http://metadata.example/latest").orElseThrow().message())
        .contains("link-local")
        .contains("169.254.169.254");
    // localhost names loopback, but not the platform's own ports without the port
    assertThat(request(names, "http://localhost:8081/x")).isEmpty();
    assertThat(request(names, "http://localhost:7070/v1/query").orElseThrow().rule())
        .isEqualTo("egress_platform_listener");
    // literal entries
    EgressPolicy literal = policy("127.0.0.1:8081", "127.0.0.1", "[::1]:7070");
    assertThat(request(literal, "http://127.0.0.1:8081/x")).isEmpty();
    assertThat(request(literal, "http://127.0.0.1:9092/x").orElseThrow().rule())
        .isEqualTo("egress_platform_listener");
    assertThat(request(literal, "http://[::1]:7070/x")).isEmpty(); // named with its port
    assertThat(request(policy("169.254.169.254"), "http://169.254.169.254/x")).isEmpty();
  }

  @Test
  void aSecretGoesOnlyWhereItsDefinitionAllows() {
    EgressPolicy policy = policy("catalog.internal", "public.example");
    UrlTemplate catalog = UrlTemplate.parse("http://catalog.internal/shows/{id}");
    UrlTemplate other = UrlTemplate.parse("http://public.example/shows/{id}");
    Map<String, String> token = Map.of("Authorization", "Bearer ${secret:token}");
    assertThat(policy.checkTemplate(catalog, token)).isEmpty();
    assertThat(policy.checkTemplate(other, token).orElseThrow().rule())
        .isEqualTo("secret_host_not_allowed");
    assertThat(
            policy.checkTemplate(catalog, Map.of("X", "${secret:other}")).orElseThrow().message())
        .contains("secrets.other.allowed-hosts");
    assertThat(policy.checkTemplate(other, Map.of("X", "no secret"))).isEmpty();
    assertThat(
            policy
                .checkTemplate(UrlTemplate.parse("http://{host}.internal/x"), Map.of())
                .orElseThrow()
                .rule())
        .isEqualTo("egress_host_placeholder");
  }

  private static final List<String> HOSTS =
      List.of(
          "catalog.internal",
          "rebind.example",
          "metadata.example",
          "localhost",
          "public.example",
          "127.0.0.1",
          "[::1]",
          "169.254.169.254",
          "10.1.2.3",
          "evil.example");
  private static final List<Integer> PORTS = List.of(80, 443, 8081, API, KAFKA);
  private static final List<String> ADDRESSES =
      List.of("93.184.216.34", "10.1.2.3", "127.0.0.1", "::1", "169.254.169.254", "0.0.0.0");

  /**
   * Random policies, DNS answers, URLs and secret headers: whatever the policy allows is safe — a
   * listed host and port, no loopback or link-local address unless an entry names it, no platform
   * listener unless an entry names its port, no secret to a host its definition does not list.
   */
  @Property(seed = "20261205", tries = 2000)
  void allowedRequestsAreSafe(@ForAll long seed) {
    Random random = new Random(seed);
    List<EgressPolicy.HostRule> rules = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      String host = HOSTS.get(random.nextInt(HOSTS.size()));
      rules.add(
          EgressPolicy.HostRule.parse(
              random.nextBoolean() ? host : host + ":" + PORTS.get(random.nextInt(PORTS.size()))));
    }
    List<EgressPolicy.HostRule> secretRules =
        random.nextBoolean() ? List.of() : List.of(rules.isEmpty() ? rule("x") : rules.get(0));
    EgressPolicy policy = new EgressPolicy(rules, Map.of("token", secretRules), Set.of(API, KAFKA));
    Map<String, String[]> names = new LinkedHashMap<>();
    for (String host : HOSTS) {
      if (!EgressPolicy.HostRule.isLiteral(host.replace("[", "").replace("]", ""))) {
        String[] answer = new String[1 + random.nextInt(2)];
        for (int i = 0; i < answer.length; i++) {
          answer[i] = ADDRESSES.get(random.nextInt(ADDRESSES.size()));
        }
        names.put(host, answer);
      }
    }
    // half the time a host the policy lists, so that allowed requests are common
    String host = HOSTS.get(random.nextInt(HOSTS.size()));
    if (!rules.isEmpty() && random.nextBoolean()) {
      String listed = rules.get(random.nextInt(rules.size())).host();
      host = listed.contains(":") ? "[" + listed + "]" : listed;
    }
    int port = PORTS.get(random.nextInt(PORTS.size()));
    URI uri = URI.create("http://" + host + ":" + port + "/path?q=1");
    Map<String, String> headers =
        switch (random.nextInt(3)) {
          case 0 -> Map.of();
          case 1 -> Map.of("Authorization", "Bearer ${secret:token}");
          default -> Map.of("X-Key", "${secret:undeclared}");
        };
    Optional<EgressPolicy.Denial> denial = policy.checkRequest(uri, headers, dns(names));
    Statistics.label("outcome").collect(denial.map(EgressPolicy.Denial::rule).orElse("allowed"));
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              for (String outcome :
                  List.of(
                      "allowed",
                      "egress_not_allowed",
                      "egress_special_address",
                      "egress_platform_listener",
                      "secret_not_declared",
                      "secret_host_not_allowed")) {
                coverage.check(outcome).count(count -> count > 0);
              }
            });
    String bare = host.replace("[", "").replace("]", "");
    List<EgressPolicy.HostRule> matching =
        rules.stream()
            .filter(r -> r.host().equals(bare) && (r.port() == -1 || r.port() == port))
            .toList();
    if (denial.isPresent()) {
      assertThat(denial.get().message()).contains(uri.toString());
      return;
    }
    assertThat(matching).as("seed %d: a listed host", seed).isNotEmpty();
    String[] addresses =
        EgressPolicy.HostRule.isLiteral(bare) ? new String[] {bare} : names.get(host);
    for (String text : addresses) {
      InetAddress address = address(text);
      boolean named =
          bare.equals("localhost")
              ? address.isLoopbackAddress()
              : EgressPolicy.HostRule.isLiteral(bare) && address(bare).equals(address);
      if (address.isLoopbackAddress()
          || address.isLinkLocalAddress()
          || address.isAnyLocalAddress()) {
        assertThat(named).as("seed %d: %s reached only when named", seed, text).isTrue();
      }
      if ((port == API || port == KAFKA)
          && (address.isLoopbackAddress() || address.isAnyLocalAddress())) {
        assertThat(named && matching.stream().anyMatch(r -> r.port() == port))
            .as("seed %d: a platform listener reached only when named with its port", seed)
            .isTrue();
      }
    }
    if (!headers.isEmpty()) {
      assertThat(headers).containsKey("Authorization");
      assertThat(secretRules.stream().anyMatch(r -> r.matches(bare, port)))
          .as("seed %d: the secret's own hosts", seed)
          .isTrue();
    }
  }

  private static EgressPolicy.HostRule rule(String text) {
    return EgressPolicy.HostRule.parse(text);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
