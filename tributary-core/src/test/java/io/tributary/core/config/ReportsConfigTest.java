package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportsConfigTest {
  private static TributaryConfig parse(String reports) {
    return TributaryConfig.fromYaml("data-dir: /data\n" + reports, "test.yaml");
  }

  @Test
  void defaultsArePinned() {
    ReportsConfig reports = parse("").reports();
    assertThat(reports.dir()).isEqualTo(Path.of("/data/reports/definitions"));
    assertThat(reports.output()).isEqualTo(Path.of("/data/reports"));
    assertThat(reports.smtp()).isEmpty();
  }

  @Test
  void readsSmtp() {
    ReportsConfig.Smtp smtp =
        parse(
                "reports:\n  smtp: {host: smtp.example.com, starttls: true, user: reports,"
                    + " password: '${secret:smtp}', from: reports@example.com}\n"
                    + "egress: {allowed-hosts: ['smtp.example.com:587']}\n")
            .reports()
            .smtp()
            .orElseThrow();
    assertThat(smtp.port()).isEqualTo(587);
    assertThat(smtp.password()).contains("${secret:smtp}");
    assertThat(smtp.user()).contains("reports");
    assertThat(smtp.toString()).doesNotContain("secret");
  }

  @Test
  void errorsNameKeyAndValue() {
    assertThatThrownBy(() -> parse("reports:\n  smtp: {host: h, port: 70000, from: a@b.c}\n"))
        .hasMessageContaining("reports.smtp.port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> parse("reports:\n  smtp: {host: h, from: nobody}\n"))
        .hasMessageContaining("Invalid reports.smtp.from: 'nobody'");
    assertThatThrownBy(() -> parse("reports:\n  smtp: {host: h, from: a@b.c, password: x}\n"))
        .hasMessageContaining("reports.smtp.password")
        .hasMessageContaining("needs reports.smtp.user");
    assertThatThrownBy(() -> parse("reports:\n  smtp: {from: a@b.c}\n"))
        .hasMessageContaining("reports.smtp.host");
    assertThatThrownBy(() -> parse("reports:\n  mail: {}\n")).hasMessageContaining("reports.mail");
    assertThat(new ReportsConfig(Path.of("a"), Path.of("b"), Optional.empty()).smtp()).isEmpty();
  }

  @Test
  void theSmtpServerMustBeAllowedByTheEgressPolicy() {
    assertThatThrownBy(() -> parse("reports:\n  smtp: {host: mail.example.com, from: a@b.c}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Invalid reports.smtp.host: 'mail.example.com'")
        .hasMessageContaining("SMTP server mail.example.com:25 is not in egress.allowed-hosts")
        .hasMessageContaining("egress_not_allowed");
    assertThatThrownBy(
            () ->
                parse(
                    "reports:\n  smtp: {host: mail.example.com, from: a@b.c}\n"
                        + "egress: {allowed-hosts: ['mail.example.com:587']}\n"))
        .hasMessageContaining("reports.smtp.host");
    assertThat(
            parse(
                    "reports:\n  smtp: {host: mail.example.com, from: a@b.c}\n"
                        + "egress: {allowed-hosts: [mail.example.com]}\n")
                .reports()
                .smtp())
        .isPresent();
  }
}
