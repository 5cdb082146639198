package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tributary.core.config.TributaryConfig;
import io.tributary.server.console.Browser;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports on the real platform: a report put through the API, run by a flow's {@code report} task
 * for its logical date, mailed through a real SMTP server (GreenMail on a free port) with the PDF
 * attached and written to the reports folder; its history; definitions refused with their line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsPlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private GreenMail mail;
  private Platform platform;
  private Http http;

  private static final String REPORT =
      """
      title: "Listening flash {{ ds }}"
      sections:
        - title: Listens
          chart: big-number
          sql: >-
            SELECT sum(listens) FILTER (WHERE day = '{{ ds }}') AS listens,
            sum(listens) FILTER (WHERE day = CAST(DATE '{{ ds }}' - 1 AS VARCHAR)) AS day_before
            FROM raw.plays
          deltas: {vs day before: day_before}
        - title: By show
          chart: bar
          sql: >-
            SELECT show_id, sum(listens) AS listens FROM raw.plays WHERE day = '{{ ds }}'
            GROUP BY show_id ORDER BY listens DESC
        - title: Shows
          chart: table
          sql: SELECT show_id, listens FROM raw.plays WHERE day = '{{ ds }}' ORDER BY show_id
      deliver:
        - email: {to: [ops@example.com], subject: "Flash {{ ds }}"}
        - folder: {}
      """;

  private static final String FLOW =
      """
      name: flash_flow
      tasks:
        - id: send
          type: report
          report: flash
      """;

  @BeforeAll
  void start() {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    mail.start();
    platform =
        Platform.start(
            TributaryConfig.fromYaml(
                TestConfigs.yaml(
                        dir,
                        0,
                        """
                      - name: plays
                        partitions: 1
                        buffer: { interval: 0s }
                    """)
                    + "reports:\n  smtp: { host: 127.0.0.1, port: "
                    + mail.getSmtp().getPort()
                    + ", from: reports@tributary.test }\n"
                    + "egress: { allowed-hosts: [\"127.0.0.1:"
                    + mail.getSmtp().getPort()
                    + "\"] }\n",
                "test"),
            Clock.systemUTC());
    http = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
    mail.stop();
  }

  @Test
  void aFlowRunsTheReportForItsLogicalDateAndMailsIt() throws Exception {
    String plays =
        "{\"day\":\"2024-01-01\",\"show_id\":\"show_a\",\"listens\":1200}\n"
            + "{\"day\":\"2024-01-01\",\"show_id\":\"show_b\",\"listens\":34}\n"
            + "{\"day\":\"2023-12-31\",\"show_id\":\"show_a\",\"listens\":1000}\n";
    // a first record outside the report's days, sent until Kafka takes it (the stream's topic
    // may not be in the producer's metadata yet): a retry may write it twice, harmlessly
    await()
        .atMost(WAIT)
        .until(
            () ->
                http.ndjson("plays", "{\"day\":\"1999-01-01\",\"show_id\":\"x\",\"listens\":1}\n")
                        .status()
                    == 200);
    assertThat(http.ndjson("plays", plays).status()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(() -> http.count("SELECT count(*) FROM raw.plays WHERE day <> '1999-01-01'") == 3);

    Http.Response broken =
        http.put("/v1/reports/flash", REPORT.replace("chart: bar", "chart: donut"));
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.raw().body()).contains("line 11, sections[1].chart: unknown chart 'donut'");
    Http.Response created = http.put("/v1/reports/flash", REPORT);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    assertThat(http.put("/v1/reports/flash", "title: [").status()).isEqualTo(400);
    assertThat(http.get("/v1/reports/flash").body().path("title").asText())
        .isEqualTo("Listening flash {{ ds }}");
    assertThat(http.put("/v1/flows/flash_flow", FLOW).status()).isEqualTo(201);

    Http.Response started =
        http.post(
            "/v1/flows/flash_flow/runs", "application/json", "{\"logical-date\":\"2024-01-01\"}");
    String runId = started.body().path("run-id").asText();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String state =
                  http.get("/v1/flows/flash_flow/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    JsonNode run = http.get("/v1/flows/flash_flow/runs/" + runId).body();
    assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("success");

    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).isEqualTo("Flash 2024-01-01");
    List<Part> parts = new ArrayList<>();
    collect(received[0], parts);
    String html =
        (String) parts.stream().filter(this::isHtml).findFirst().orElseThrow().getContent();
    assertThat(html).contains("Listening flash 2024-01-01", "1,234", "+234 (+23.4%) vs day before");
    Part pdf = parts.stream().filter(p -> isType(p, "application/pdf")).findFirst().orElseThrow();
    assertThat(pdf.getFileName()).isEqualTo("flash-2024-01-01.pdf");
    try (PDDocument document = Loader.loadPDF(pdf.getInputStream().readAllBytes())) {
      assertThat(new PDFTextStripper().getText(document))
          .contains("Listening flash 2024-01-01", "1,234", "show_a", "1,200");
    }
    Path file = platform.config().reports().output().resolve("flash/flash-2024-01-01.pdf");
    assertThat(file).exists();

    JsonNode history = http.get("/v1/reports/flash/history").body().path("runs");
    assertThat(history).hasSize(1);
    assertThat(history.get(0).path("ds").asText()).isEqualTo("2024-01-01");
    assertThat(history.get(0).path("outcome").asText()).isEqualTo("delivered");
    assertThat(history.get(0).path("started-by").asText()).contains("flow flash_flow");
    assertThat(history.get(0).path("targets").get(0).path("target").asText())
        .isEqualTo("email:ops@example.com");
    assertThat(history.get(0).path("targets").get(0).path("attempts").asInt()).isEqualTo(1);
    assertThat(history.get(0).path("targets").get(1).path("file").asText())
        .isEqualTo(file.toString());

    // run by API for another day: every section empty, still delivered (skip-when-empty is off)
    JsonNode byApi =
        http.post("/v1/reports/flash/run?ds=2023-12-30", "application/json", "{}").body();
    assertThat(byApi.path("outcome").asText()).as(byApi.toString()).isEqualTo("delivered");
    assertThat(http.get("/v1/reports").body().path("reports").get(0).path("name").asText())
        .isEqualTo("flash");

    // the console's page: the report, its targets and history; Run now for a date
    Http.Response page = http.get("/reports");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().body())
        .contains(
            "id=\"report-flash\"",
            "Listening flash {{ ds }}",
            "email:ops@example.com",
            "delivered",
            "2023-12-30",
            file.toString(),
            "action=\"/reports/flash/run\"");
    Http.Response ran =
        http.post("/reports/flash/run", "application/x-www-form-urlencoded", "ds=2023-12-29");
    assertThat(ran.status()).isEqualTo(200);
    assertThat(ran.raw().body()).contains("Report flash for 2023-12-29: delivered");
    assertThat(http.post("/reports/flash/run", "application/x-www-form-urlencoded", "ds=nope"))
        .satisfies(r -> assertThat(r.raw().body()).contains("Invalid ds", "nope"));
    // the same page in a real browser: it loads without console errors and shows the history
    try (Browser browser = Browser.open(platform.httpUri())) {
      browser.login("admin", platform.adminCredentials().password());
      browser.get("/reports");
      assertThat(browser.find("body").getText()).contains("flash", "2023-12-29", "delivered");
      browser.screenshot("reports");
      browser.assertNoConsoleErrors();
    }
    aDashboardIsRenderedAsPdfWithItsFilters();

    // a broken file in the folder is listed as a problem; the loaded version stays
    Files.writeString(platform.config().reports().dir().resolve("flash.yaml"), "sections: 3\n");
    JsonNode listing = http.get("/v1/reports").body();
    assertThat(listing.path("problems").path("flash.yaml").asText()).contains("sections");
    assertThat(http.get("/reports").raw().body()).contains("Rejected report files", "flash.yaml");
    assertThat(http.get("/v1/reports/flash").status()).isEqualTo(200);
    assertThat(http.delete("/v1/reports/flash").status()).isEqualTo(204);
    assertThat(http.get("/v1/reports/flash").status()).isEqualTo(404);
  }

  /** A dashboard over the plays as a PDF (the console's PDF link), for the filters' values. */
  private void aDashboardIsRenderedAsPdfWithItsFilters() throws Exception {
    String board =
        """
        title: Plays board
        filters:
          - name: day
            type: text
            default: "2024-01-01"
        tiles:
          - id: by_show
            title: Listens by show
            chart: bar
            sql: SELECT show_id, sum(listens) AS listens FROM raw.plays WHERE day = $day GROUP BY show_id ORDER BY show_id
            options: { x: show_id, y: listens }
          - id: total
            title: Total listens
            chart: big-number
            sql: SELECT sum(listens) AS listens FROM raw.plays WHERE day = $day
            options: { value: listens }
          - id: rows
            title: Rows of the day
            chart: heatmap
            sql: SELECT show_id, day, listens FROM raw.plays WHERE day = $day
            options: { x: show_id, y: day, value: listens }
        """;
    Http.Response saved = http.put("/v1/dashboards/plays_board", board);
    assertThat(saved.status()).as(saved.raw().body()).isEqualTo(201);
    assertThat(http.get("/dashboards/plays_board").raw().body())
        .contains("href=\"/dashboards/plays_board/pdf\"");
    HttpResponse<byte[]> pdf =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        platform.httpUri().resolve("/dashboards/plays_board/pdf?day=2024-01-01"))
                    .header("Authorization", http.authorization())
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
    try (PDDocument document = Loader.loadPDF(pdf.body())) {
      assertThat(new PDFTextStripper().getText(document))
          .contains(
              "Plays board",
              "2024-01-01",
              "Listens by show",
              "Total listens",
              "Rows of the day",
              "1,234");
      // the bar chart is drawn as an image
      boolean figure = false;
      for (var pageOfPdf : document.getPages()) {
        for (var name : pageOfPdf.getResources().getXObjectNames()) {
          figure |= pageOfPdf.getResources().getXObject(name) instanceof PDImageXObject;
        }
      }
      assertThat(figure).as("a chart image in the PDF").isTrue();
    }
  }

  private boolean isHtml(Part part) {
    return isType(part, "text/html");
  }

  private static boolean isType(Part part, String type) {
    try {
      return part.isMimeType(type);
    } catch (jakarta.mail.MessagingException e) {
      return false;
    }
  }

  private static void collect(Part part, List<Part> parts) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collect(child, parts);
      }
    } else {
      parts.add(part);
    }
  }
}
