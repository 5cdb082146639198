package io.tributary.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ReportsConfig;
import io.tributary.query.QueryResult;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries to real parts: an SMTP server (GreenMail) on a free port, a local HTTP server as the
 * webhook (answering 500 twice before it recovers), a folder; an SMTP server that is down is
 * retried, then recorded as failed in the history (SQLite); a failing query sends the failure
 * notice instead.
 */
class ReportDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private GreenMail mail;
  private HttpServer hook;
  private final AtomicInteger hookCalls = new AtomicInteger();
  private final List<JsonNode> hookBodies = new CopyOnWriteArrayList<>();
  private final List<Duration> waits = new ArrayList<>();
  private Reports reports;

  @BeforeEach
  void start() throws Exception {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    mail.start();
    hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          int status = hookCalls.incrementAndGet() <= 2 ? 500 : 204;
          if (status == 204) {
            hookBodies.add(JSON.readTree(body));
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    hook.start();
  }

  @AfterEach
  void stop() {
    mail.stop();
    hook.stop(0);
  }

  /** The webhook and the SMTP server of this test, on loopback: named so the policy allows it. */
  private static final io.tributary.core.config.EgressPolicy LOCAL_ONLY =
      new io.tributary.core.config.EgressPolicy(
          List.of(io.tributary.core.config.EgressPolicy.HostRule.parse("127.0.0.1")),
          java.util.Map.of(),
          java.util.Set.of());

  private Reports reports(int smtpPort) {
    ReportsConfig config =
        new ReportsConfig(
            dir.resolve("definitions"),
            dir.resolve("out"),
            Optional.of(
                new ReportsConfig.Smtp(
                    "127.0.0.1",
                    smtpPort,
                    Optional.empty(),
                    Optional.empty(),
                    "reports@tributary.test",
                    false)));
    Path db = dir.resolve("metadata.db");
    Supplier<Connection> connections =
        () -> {
          try {
            return DriverManager.getConnection("jdbc:sqlite:" + db);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    ReportProducer.Queries queries =
        (sql, readable) -> {
          if (sql.contains("missing_table")) {
            throw new InvalidInputException(
                ErrorCode.QUERY_ERROR, "Table with name missing_table does not exist");
          }
          if (sql.contains("listeners")) {
            return new QueryResult(
                List.of(
                    new QueryResult.Column("listeners", "BIGINT"),
                    new QueryResult.Column("day_before", "BIGINT")),
                List.of(List.of(4321L, 4000L)),
                false,
                1);
          }
          return new QueryResult(
              List.of(
                  new QueryResult.Column("show_id", "VARCHAR"),
                  new QueryResult.Column("listens", "BIGINT")),
              List.of(List.of("show_0007", 99L), List.of("show_0003", 42L)),
              false,
              1);
        };
    return new Reports(
        config.dir(),
        new ReportParser(sql -> {}, LOCAL_ONLY),
        new ReportProducer(queries),
        new ReportRenderer(),
        new Deliveries(
            new Deliveries.Senders(
                config,
                text -> text,
                LOCAL_ONLY,
                java.net.InetAddress::getAllByName,
                Clock.systemUTC()),
            new Backoff(3, Duration.ofMillis(10), Duration.ofMillis(40)),
            waits::add),
        new ReportHistory(connections),
        Clock.systemUTC());
  }

  private static String report(String hookUrl, String from) {
    return """
        title: "Flash {{ ds }}"
        sections:
          - title: Listeners
            chart: big-number
            sql: "SELECT listeners, day_before FROM %s WHERE day = DATE '{{ ds }}'"
            deltas: {vs day before: day_before}
          - title: Top shows
            chart: bar
            sql: SELECT show_id, listens FROM shows
        deliver:
          - email: {to: [ops@example.com], subject: "Flash for {{ ds }}"}
          - webhook: {url: "%s"}
          - folder: {}
        """
        .formatted(from, hookUrl);
  }

  private String hookUrl() {
    return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
  }

  @Test
  void deliversByMailWebhookAndFolderRetryingTheWebhook() throws Exception {
    reports = reports(mail.getSmtp().getPort());
    reports.put("flash", report(hookUrl(), "daily"));
    ReportRun run =
        reports.run("flash", LocalDate.of(2026, 12, 4), Map.of(), table -> true, "test");

    assertThat(run.outcome()).as(run.toString()).isEqualTo(ReportRun.Outcome.DELIVERED);
    assertThat(run.deliveries()).extracting(DeliveryOutcome::attempts).containsExactly(1, 3, 1);
    assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));

    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).isEqualTo("Flash for 2026-12-04");
    MailParts parts = MailParts.of(received[0]);
    assertThat(parts.html()).contains("Flash 2026-12-04", "4,321", "+321 (+8.0%) vs day before");
    assertThat(parts.html()).contains("cid:chart-1");
    assertThat(parts.images()).isEqualTo(1);
    assertThat(parts.pdfName()).isEqualTo("flash-2026-12-04.pdf");
    assertThat(parts.pdfText()).contains("Flash 2026-12-04", "4,321", "Top shows");

    assertThat(hookBodies).hasSize(1);
    JsonNode body = hookBodies.get(0);
    assertThat(body.path("status").asText()).isEqualTo("ok");
    assertThat(body.path("ds").asText()).isEqualTo("2026-12-04");
    assertThat(body.path("html").asText()).contains("4,321").contains("data:image/png;base64,");
    try (PDDocument pdf = Loader.loadPDF(Base64.getDecoder().decode(body.path("pdf").asText()))) {
      assertThat(new PDFTextStripper().getText(pdf)).contains("4,321");
    }

    Path file = dir.resolve("out/flash/flash-2026-12-04.pdf");
    assertThat(run.deliveries().get(2).path()).contains(file.toString());
    assertThat(
            Files.readString(
                dir.resolve("out/flash/flash-2026-12-04.html"), StandardCharsets.UTF_8))
        .contains("4,321");

    List<ReportRun> history = reports.history("flash", 10);
    assertThat(history).hasSize(1);
    assertThat(history.get(0).deliveries()).isEqualTo(run.deliveries());
    assertThat(history.get(0).ds()).isEqualTo("2026-12-04");
  }

  @Test
  void smtpDownIsRetriedThenRecordedAsFailed() throws Exception {
    int port = mail.getSmtp().getPort();
    mail.stop();
    reports = reports(port);
    reports.put("flash", report(hookUrl(), "daily"));
    hookCalls.set(2); // the webhook answers at once
    ReportRun run =
        reports.run("flash", LocalDate.of(2026, 12, 4), Map.of(), table -> true, "test");

    assertThat(run.outcome()).isEqualTo(ReportRun.Outcome.DELIVERY_FAILED);
    DeliveryOutcome email = run.deliveries().get(0);
    assertThat(email.status()).isEqualTo(DeliveryOutcome.Status.FAILED);
    assertThat(email.attempts()).isEqualTo(3);
    assertThat(email.error()).hasValueSatisfying(error -> assertThat(error).contains("127.0.0.1"));
    assertThat(run.deliveries().get(1).status()).isEqualTo(DeliveryOutcome.Status.DELIVERED);
    assertThat(run.error())
        .hasValueSatisfying(error -> assertThat(error).startsWith("email:ops@example.com: "));

    ReportRun recorded = reports.history("flash", 1).get(0);
    assertThat(recorded.outcome()).isEqualTo(ReportRun.Outcome.DELIVERY_FAILED);
    assertThat(recorded.deliveries().get(0).attempts()).isEqualTo(3);
    assertThat(recorded.deliveries().get(0).error()).isEqualTo(email.error());
  }

  @Test
  void aFailingQuerySendsTheFailureNoticeInstead() throws Exception {
    reports = reports(mail.getSmtp().getPort());
    hookCalls.set(2);
    reports.put("flash", report(hookUrl(), "missing_table"));
    ReportRun run =
        reports.run("flash", LocalDate.of(2026, 12, 4), Map.of(), table -> true, "test");

    assertThat(run.outcome()).isEqualTo(ReportRun.Outcome.FAILED);
    assertThat(run.error())
        .hasValueSatisfying(
            error ->
                assertThat(error).contains("section 'Listeners'", "missing_table does not exist"));
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).startsWith("FAILED: ");
    assertThat(MailParts.of(received[0]).html()).contains("missing_table does not exist");
    assertThat(MailParts.of(received[0]).pdfName()).isNull();
    assertThat(hookBodies.get(0).path("status").asText()).isEqualTo("failed");
    assertThat(dir.resolve("out/flash/flash-2026-12-04.failed.html")).exists();
  }

  @Test
  void aBrokenFileIsRejectedAndThePreviousVersionStays() throws Exception {
    reports = reports(mail.getSmtp().getPort());
    reports.put("flash", report(hookUrl(), "daily"));
    Files.writeString(
        dir.resolve("definitions/flash.yaml"), "title: x\nsections:\n  - chart: donut\n");
    assertThat(reports.get("flash"))
        .hasValueSatisfying(spec -> assertThat(spec.sections()).hasSize(2));
    assertThat(reports.problems())
        .containsKey("flash.yaml")
        .hasValueSatisfying(
            new org.assertj.core.api.Condition<>(
                message -> message.contains("line 3, sections[0].chart: unknown chart 'donut'"),
                "names line and key"));
    Files.writeString(dir.resolve("definitions/other.yaml"), report(hookUrl(), "daily"));
    assertThat(reports.list()).containsOnlyKeys("flash", "other");
    Files.delete(dir.resolve("definitions/other.yaml"));
    assertThat(reports.list()).containsOnlyKeys("flash");
  }
}
