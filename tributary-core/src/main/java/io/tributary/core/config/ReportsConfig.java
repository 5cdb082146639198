package io.tributary.core.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reports ({@code reports}): the folder of report definitions ({@code reports.dir}, by default
 * {@code <data-dir>/reports/definitions}), where folder deliveries go unless a report names its own
 * ({@code reports.output}, by default {@code <data-dir>/reports}), and the SMTP server e-mail
 * deliveries use ({@code reports.smtp}; none: reports with an e-mail target fail to deliver, the
 * failure recorded in their history).
 */
public record ReportsConfig(Path dir, Path output, Optional<Smtp> smtp) {
  public ReportsConfig {
    Objects.requireNonNull(dir, "dir is null");
    Objects.requireNonNull(output, "output is null");
    Objects.requireNonNull(smtp, "smtp is null");
  }

  /** The defaults under {@code dataDir}, without SMTP. */
  public static ReportsConfig defaults(Path dataDir) {
    return new ReportsConfig(
        dataDir.resolve("reports").resolve("definitions"),
        dataDir.resolve("reports"),
        Optional.empty());
  }

  /**
   * An SMTP server: {@code password} may be a {@code ${secret:name}} resolved at each delivery;
   * {@code starttls} upgrades the connection before logging in (required when set).
   */
  public record Smtp(
      String host,
      int port,
      Optional<String> user,
      Optional<String> password,
      String from,
      boolean starttls) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,253}");
    private static final Pattern ADDRESS =
        Pattern.compile("[^@\\s<>\"]{1,64}@[A-Za-z0-9.-]{1,253}");

    public Smtp {
      Objects.requireNonNull(host, "host is null");
      if (!HOST.matcher(host).matches()) {
        throw ConfigException.invalid("reports.smtp.host", host, "must be a host name or address");
      }
      if (port < 1 || port > 65535) {
        throw ConfigException.invalid("reports.smtp.port", port, "must be 1..65535");
      }
      Objects.requireNonNull(user, "user is null");
      Objects.requireNonNull(password, "password is null");
      if (password.isPresent() && user.isEmpty()) {
        throw ConfigException.invalid("reports.smtp.password", "(set)", "needs reports.smtp.user");
      }
      Objects.requireNonNull(from, "from is null");
      if (!ADDRESS.matcher(from).matches()) {
        throw ConfigException.invalid(
            "reports.smtp.from", from, "must be an e-mail address such as reports@example.com");
      }
    }

    @Override
    public String toString() {
      return "Smtp[" + host + ":" + port + ", user " + user.orElse("-") + ", from " + from + "]";
    }
  }

  static ReportsConfig fromConfig(ConfigNode node, Path dataDir) {
    node.allowOnly("dir", "output", "smtp");
    ReportsConfig defaults = defaults(dataDir);
    Optional<Smtp> smtp = Optional.empty();
    if (node.has("smtp")) {
      ConfigNode smtpNode =
          node.child("smtp").allowOnly("host", "port", "user", "password", "from", "starttls");
      boolean starttls = smtpNode.bool("starttls", false);
      smtp =
          Optional.of(
              new Smtp(
                  smtpNode.requiredString("host"),
                  smtpNode.integer("port", starttls ? 587 : 25, 1, 65535),
                  Optional.ofNullable(smtpNode.string("user", null)),
                  Optional.ofNullable(smtpNode.string("password", null)),
                  smtpNode.requiredString("from"),
                  starttls));
    }
    return new ReportsConfig(
        Path.of(node.string("dir", defaults.dir().toString())).toAbsolutePath().normalize(),
        Path.of(node.string("output", defaults.output().toString())).toAbsolutePath().normalize(),
        smtp);
  }
}
