package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.TributaryConfig;
import io.tributary.server.console.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;

/**
 * The browser console in a real headless Chromium, access control on: login (and a wrong password
 * refused), pages without a session sent to the login form, CSRF tokens required, every page
 * loading without a console error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
  @TempDir static Path dir;
  private Platform platform;
  private Http http;
  private Browser browser;

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Strings that would run script if a page put them in its HTML unescaped. */
  static final String SCRIPT = "<script>window.__xss=1</script>";

  static final String IMAGE = "\"><img src=x onerror=window.__xss=1>";

  private static final String FLOW =
      """
      name: console_x
      tasks:
        - id: make
          type: sql
          sql: SELECT DATE '{{ ds }}' AS day, 1 AS one
          target: transformed.console_x
          mode: replace
        - id: count
          type: sql
          depends-on: [make]
          sql: SELECT count(*) AS n FROM transformed.console_x
          target: transformed.console_x_count
          mode: replace
      """;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TributaryConfig.fromYaml(
                TestConfigs.yaml(dir, 0, "  - name: clicks\n    buffer: { interval: 0s }\n"),
                "test"),
            Clock.systemUTC());
    http = Http.admin(platform);
    // hostile strings in error rows: a key path taken twice ("a.b" and a.b) sends the record to
    // the error table with its payload
    String first = json(Map.of("a.b", SCRIPT, "a", Map.of("b", IMAGE)));
    String second = json(Map.of("a.b", IMAGE, "a", Map.of("b", SCRIPT)));
    assertThat(
            http.post(
                    "/v1/streams/clicks/records",
                    "application/x-ndjson",
                    "{\"ok\":1}\n" + first + "\n" + second + "\n")
                .body()
                .path("accepted")
                .asInt())
        .isEqualTo(3);
    assertThat(http.put("/v1/flows/console_x", FLOW).status()).isEqualTo(201);
    assertThat(
            http.post(
                    "/v1/flows/console_x/runs",
                    "application/json",
                    "{\"logical-date\":\"2026-01-01\"}")
                .status())
        .isIn(200, 201);
    browser = Browser.open(platform.httpUri());
    await("the error rows").atMost(WAIT).until(() -> errorRows() == 2);
    await("the flow run")
        .atMost(WAIT)
        .until(
            () ->
                "success"
                    .equals(
                        http.get("/v1/flows/console_x/runs")
                            .body()
                            .path("runs")
                            .path(0)
                            .path("state")
                            .asText()));
  }

  private long errorRows() {
    try {
      return http.count("SELECT count(*) FROM raw.clicks_errors");
    } catch (RuntimeException | AssertionError e) {
      return -1; // not created yet
    }
  }

  private static String json(Object value) {
    try {
      return Http.JSON.writeValueAsString(value);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  private void loggedIn() {
    if (browser.driver().manage().getCookieNamed("tributary_session") == null) {
      browser.get("/login").login("admin", platform.adminCredentials().password());
    }
  }

  @Test
  void aPageWithoutASessionGoesToTheLoginFormAndAWrongPasswordIsRefused() {
    browser.driver().manage().deleteAllCookies();
    browser.get("/?from=test");
    assertThat(browser.path()).isEqualTo("/login?next=%2F%3Ffrom%3Dtest");
    browser.submitLogin("admin", "not-the-password");
    assertThat(browser.path()).startsWith("/login");
    assertThat(browser.find("[role=alert]").getText()).contains("Wrong user or password");
    browser.clearConsole(); // the refused login answered 401, which the console logs
    browser.submitLogin("admin", platform.adminCredentials().password());
    assertThat(browser.path()).isEqualTo("/?from=test");
  }

  @Test
  void theHomePageLoadsWithoutConsoleErrors() {
    loggedIn();
    browser.get("/");
    assertThat(browser.find("header nav").getText())
        .contains("Home", "Dashboards", "SQL", "Catalog", "Pipelines", "Reports");
    assertThat(browser.find(".who .user").getText()).isEqualTo("admin");
    browser.screenshot("home");
    Browser.Timing timing = browser.timing();
    System.out.printf(
        "console home: first paint %.0f ms, first contentful paint %.0f ms, DOMContentLoaded %.0f"
            + " ms, load %.0f ms%n",
        timing.firstPaint(),
        timing.firstContentfulPaint(),
        timing.domContentLoaded(),
        timing.load());
    browser.phone().get("/");
    browser.screenshot("home-phone");
    browser.desktop();
    browser.assertNoConsoleErrors();
  }

  @Test
  void aStateChangingRequestWithoutTheCsrfTokenIsRefused() throws Exception {
    loggedIn();
    Cookie session = browser.driver().manage().getCookieNamed("tributary_session");
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(browser.url("/logout")))
                    .header("Cookie", "tributary_session=" + session.getValue())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("x=1"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("CSRF token");
    // the session is still there: the refused logout did nothing
    browser.get("/");
    assertThat(browser.path()).isEqualTo("/");
  }

  @Test
  void thePipelinesPageShowsHostileErrorRowsAsText() {
    loggedIn();
    browser.get("/pipelines");
    assertThat(browser.find("#stream-clicks").getText()).contains("clicks", "raw.clicks");
    String errors = browser.find("#stream-clicks table.error-rows").getText();
    assertThat(errors).contains(SCRIPT, IMAGE);
    assertThat(browser.script("return typeof window.__xss")).isEqualTo("undefined");
    assertThat(browser.findAll("#stream-clicks img")).isEmpty();
    browser.screenshot("pipelines");
    browser.phone().get("/pipelines");
    browser.screenshot("pipelines-phone");
    browser.desktop();
    browser.get("/");
    assertThat(browser.find("main").getText()).contains("console_x", "clicks");
    assertThat(browser.script("return typeof window.__xss")).isEqualTo("undefined");
    browser.assertNoConsoleErrors();
  }

  @Test
  void theFlowGridReRunsARunFromATaskCell() {
    loggedIn();
    browser.get("/flows/console_x");
    assertThat(browser.findAll("table.flow-grid td.cell a")).hasSize(2);
    String cell = "table.flow-grid td.cell a[data-task=make]";
    assertThat(browser.find(cell).getAttribute("class")).contains("state-success");
    assertThat(browser.find(cell).getAttribute("data-tries")).isEqualTo("1");
    browser.screenshot("flow-grid");
    browser.find(cell).click(); // htmx loads the task's tries and logs below the grid
    await().atMost(WAIT).until(() -> !browser.findAll("#task-detail .task-view").isEmpty());
    browser.waitLoaded();
    assertThat(browser.find("#task-detail").getText()).contains("Task make", "Try 1");
    browser.screenshot("flow-task");
    browser.script("window.confirm = () => true;");
    browser.find("#task-detail button.rerun").click();
    browser.waitLoaded();
    assertThat(browser.path()).isEqualTo("/flows/console_x?done=rerun");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              browser.get("/flows/console_x");
              return "2".equals(browser.find(cell).getAttribute("data-tries"))
                  && browser.find(cell).getAttribute("class").contains("state-success");
            });
    browser.assertNoConsoleErrors();
  }

  @Test
  void theFlowGridClearsATaskGivingItANewTry() {
    loggedIn();
    await("the run ended").atMost(WAIT).until(() -> "success".equals(runState()));
    String runId =
        http.get("/v1/flows/console_x/runs").body().path("runs").path(0).path("run-id").asText();
    assertThat(
            http.post(
                    "/v1/flows/console_x/runs/" + runId + "/tasks/count/clear?downstream=maybe",
                    "application/json",
                    "")
                .status())
        .isEqualTo(400);
    browser.get("/flows/console_x");
    String cell = "table.flow-grid td.cell a[data-task=count]";
    int tries = Integer.parseInt(browser.find(cell).getAttribute("data-tries"));
    browser.find(cell).click();
    await().atMost(WAIT).until(() -> !browser.findAll("#task-detail .task-view").isEmpty());
    browser.waitLoaded();
    assertThat(browser.findAll("#task-detail button.mark-failed")).hasSize(1);
    browser.script("window.confirm = () => true;");
    browser.find("#task-detail button.clear-task").click();
    browser.waitLoaded();
    assertThat(browser.path()).isEqualTo("/flows/console_x?done=cleared");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              browser.get("/flows/console_x");
              return String.valueOf(tries + 1).equals(browser.find(cell).getAttribute("data-tries"))
                  && browser.find(cell).getAttribute("class").contains("state-success");
            });
    await("the run ended again").atMost(WAIT).until(() -> "success".equals(runState()));
    browser.assertNoConsoleErrors();
  }

  private String runState() {
    return http.get("/v1/flows/console_x/runs").body().path("runs").path(0).path("state").asText();
  }

  @Test
  void aFlowActionWithoutTheCsrfTokenIsRefused() throws Exception {
    loggedIn();
    Cookie session = browser.driver().manage().getCookieNamed("tributary_session");
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(browser.url("/flows/console_x/trigger")))
                    .header("Cookie", "tributary_session=" + session.getValue())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString("logical-date=2026-02-01&_csrf=wrong"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("Wrong CSRF token");
    assertThat(http.get("/v1/flows/console_x/runs").body().path("runs")).hasSize(1);
  }
}
