package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.TributaryConfig;
import io.tributary.server.console.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The SQL workbench and the catalog browser in a real headless Chromium, access control on:
 * Ctrl-Enter runs and the result pages, a syntax error is marked where it points, the history lists
 * the user's own statements, the CSV download streams every row; the catalog lists only readable
 * tables, shows one with its chart, edits its description, and hostile text never runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkbenchCatalogIT {
  private static final String SCRIPT = "<script>window.__xss=1</script>";
  private static final String IMAGE = "\"><img src=x onerror=window.__xss=1>";

  @TempDir static Path dir;
  private Platform platform;
  private Http admin;
  private Browser browser;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TributaryConfig.fromYaml(
                TestConfigs.yaml(
                    dir,
                    0,
                    """
                      - name: events
                        partitions: 1
                        buffer: { interval: 0s }
                      - name: secret
                        partitions: 1
                        buffer: { interval: 0s }
                    """),
                "test"),
            Clock.systemUTC());
    admin = Http.admin(platform);
    String hostileScript = SCRIPT.replace("\"", "\\\"");
    String hostileImage = IMAGE.replace("\"", "\\\"");
    String events =
        "{\"id\":1,\"note\":\""
            + hostileScript
            + "\"}\n{\"id\":2,\"note\":\""
            + hostileImage
            + "\"}\n{\"id\":3,\"note\":\"plain\"}\n";
    // a busy machine's broker may answer 503 (retry later) for a while after the start
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> admin.ndjson("events", events).status() == 200);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> admin.ndjson("secret", "{\"b\":2}\n").status() == 200);
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () ->
                admin.count("SELECT count(*) FROM raw.events") == 3
                    && admin.count("SELECT count(*) FROM raw.secret") == 1);
    assertThat(
            admin
                .patch(
                    "/v1/tables/raw.events",
                    "{\"description\":\"" + hostileScript + " " + hostileImage + "\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            admin
                .post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"ana\",\"password\":\"ana-pass-1\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/v1/grants",
                    "application/json",
                    "{\"principal\":\"user:ana\",\"privilege\":\"read\",\"resource\":\"table:raw.events\"}")
                .status())
        .isEqualTo(201);
    browser = Browser.open(platform.httpUri());
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

  private void as(String user, String password) {
    browser.driver().manage().deleteAllCookies();
    browser.get("/login").login(user, password);
  }

  private void asAdmin() {
    as("admin", platform.adminCredentials().password());
  }

  private void type(String sql) {
    browser.script("window.tributaryEditor.setValue(arguments[0])", sql);
  }

  private WebElement awaitResult(String css) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !browser.findAll("#sql-result " + css).isEmpty());
    browser.waitLoaded();
    return browser.find("#sql-result " + css);
  }

  @Test
  void ctrlEnterRunsAndTheResultPagesWithoutRunningAgain() {
    asAdmin();
    browser.get("/sql");
    type("SELECT range AS n, 'row ' || range AS label FROM range(1000)");
    new Actions(browser.driver())
        .click(browser.find(".CodeMirror-code"))
        .keyDown(Keys.CONTROL)
        .sendKeys(Keys.ENTER)
        .keyUp(Keys.CONTROL)
        .perform();
    WebElement page = awaitResult(".sql-result-page[data-first='1']");
    assertThat(page.getAttribute("data-kept")).isEqualTo("1000");
    assertThat(page.getAttribute("data-last")).isEqualTo("100");
    assertThat(browser.findAll("#sql-result table.grid tbody tr")).hasSize(100);
    browser.screenshot("sql-workbench");
    for (int first = 101; first <= 901; first += 100) {
      browser.find("#sql-result .page-next").click();
      awaitResult(".sql-result-page[data-first='" + first + "']");
    }
    assertThat(browser.find("#sql-result .sql-result-page").getAttribute("data-last"))
        .isEqualTo("1000");
    assertThat(browser.findAll("#sql-result .page-next")).isEmpty();
    assertThat(browser.find("#sql-result table.grid tbody tr td").getText()).isEqualTo("900");
    browser.find("#sql-result .page-previous").click();
    awaitResult(".sql-result-page[data-first='801']");
    // one run, however many pages: the history has it once
    browser.get("/sql");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !browser.findAll("#sql-history table.history").isEmpty());
    long runs =
        browser.findAll("#sql-history .history-sql").stream()
            .filter(e -> e.getText().contains("FROM range(1000)"))
            .count();
    assertThat(runs).isEqualTo(1);
    browser.assertNoConsoleErrors();
  }

  @Test
  void aSyntaxErrorIsMarkedWhereItPoints() {
    asAdmin();
    browser.get("/sql");
    type("SELECT n\nFROM range(3) t(n)\nWHERE = 1");
    browser.find("#sql-run").click();
    WebElement error = awaitResult(".sql-error");
    assertThat(error.getAttribute("data-error-line")).isEqualTo("3");
    assertThat(error.getAttribute("data-error-column")).isEqualTo("6");
    assertThat(browser.find(".sql-error-line mark").getText()).isEqualTo("=");
    assertThat(browser.find(".CodeMirror .sql-error-mark").getText()).isEqualTo("=");
    assertThat(browser.script("return window.tributaryEditor.getCursor().line")).isEqualTo(2L);
    browser.screenshot("sql-error");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                browser.findAll("#sql-history tr.failed .history-sql").stream()
                    .anyMatch(e -> e.getText().contains("WHERE = 1")));
    browser.assertNoConsoleErrors();
  }

  @Test
  void theStatementIsSavedAsADashboardTile() throws Exception {
    asAdmin();
    browser.get("/sql");
    ((JavascriptExecutor) browser.driver())
        .executeScript(
            "window.tributaryEditor.setValue(arguments[0])",
            "SELECT id, id * 2 AS twice FROM raw.events ORDER BY id");
    browser.driver().findElement(By.cssSelector(".sql-tile summary")).click();
    WebElement form = browser.driver().findElement(By.id("sql-tile"));
    form.findElement(By.name("dashboard")).sendKeys("from_sql");
    form.findElement(By.name("tile")).sendKeys("ids");
    form.findElement(By.name("title")).sendKeys("Ids doubled");
    new Select(form.findElement(By.name("chart"))).selectByValue("line");
    form.findElement(By.name("x")).sendKeys("id");
    form.findElement(By.name("y")).sendKeys("twice");
    form.findElement(By.id("sql-tile-save")).click();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                browser
                    .driver()
                    .findElement(By.id("sql-tile-result"))
                    .getText()
                    .contains("Tile ids added to dashboard from_sql"));
    var tile = admin.get("/v1/dashboards/from_sql").body().path("tiles").get(0);
    assertThat(tile.path("id").asText()).isEqualTo("ids");
    assertThat(tile.path("title").asText()).isEqualTo("Ids doubled");
    assertThat(tile.path("chart").asText()).isEqualTo("line");
    assertThat(tile.path("sql").asText()).contains("id * 2 AS twice");
    assertThat(tile.path("options").path("y").get(0).asText()).isEqualTo("twice");
    browser.get("/sql");
    assertThat(
            browser.findAll("#sql-tile-dashboards option").stream()
                .map(option -> option.getAttribute("value"))
                .toList())
        .as("the dashboards the admin may add a tile to")
        .contains("from_sql");
    // a second tile joins the first; a taken id is refused with its reason
    String form2 = "dashboard=from_sql&tile=all&chart=table&sql=SELECT+*+FROM+raw.events";
    assertThat(admin.post("/sql/tile", "application/x-www-form-urlencoded", form2).status())
        .isEqualTo(200);
    assertThat(admin.get("/v1/dashboards/from_sql").body().path("tiles")).hasSize(2);
    Http.Response taken = admin.post("/sql/tile", "application/x-www-form-urlencoded", form2);
    assertThat(taken.status()).isEqualTo(400);
    assertThat(taken.raw().body()).contains("all");
    // a dashboard defined by a file is not changed from the workbench
    Files.writeString(
        platform.config().dataDir().resolve("dashboards").resolve("filed.yaml"),
        "title: Filed\ntiles:\n  - id: one\n    chart: table\n    sql: SELECT 1 AS one\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> admin.get("/v1/dashboards/filed").status() == 200);
    Http.Response filed =
        admin.post(
            "/sql/tile", "application/x-www-form-urlencoded", form2.replace("from_sql", "filed"));
    assertThat(filed.status()).isEqualTo(409);
    assertThat(filed.raw().body()).contains("filed");
    assertThat(admin.get("/v1/dashboards/filed").body().path("tiles")).hasSize(1);
  }

  @Test
  void theCsvDownloadHasEveryRow() {
    asAdmin();
    browser.get("/sql");
    Object csv =
        ((JavascriptExecutor) browser.driver())
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + " const body = new URLSearchParams({_csrf:"
                    + " document.querySelector('meta[name=csrf-token]').content, sql: arguments[0]});"
                    + " fetch('/sql/download', {method: 'POST', body})"
                    + ".then(r => r.text()).then(done, e => done('failed: ' + e));",
                "SELECT range AS n, 'a,b' AS s FROM range(5000)");
    List<String> lines = ((String) csv).lines().toList();
    assertThat(lines).hasSize(5001);
    assertThat(lines.get(0)).isEqualTo("n,s");
    assertThat(lines.get(1)).isEqualTo("0,\"a,b\"");
    assertThat(lines.get(5000)).isEqualTo("4999,\"a,b\"");
  }

  @Test
  void theCatalogShowsATableAndHostileTextNeverRuns() {
    asAdmin();
    browser.get("/catalog");
    assertThat(browser.findAll("a.table-link").stream().map(WebElement::getText).toList())
        .contains("events", "secret");
    browser.screenshot("catalog");
    browser.find("a.table-link[href='/catalog/raw.events']").click();
    browser.waitLoaded();
    assertThat(browser.path()).isEqualTo("/catalog/raw.events");
    assertThat(browser.find("#table-description").getText()).isEqualTo(SCRIPT + " " + IMAGE);
    assertThat(browser.find("table.columns").getText()).contains("note", "string");
    assertThat(browser.find("table.sample").getText()).contains(SCRIPT, IMAGE, "plain");
    assertThat(browser.findAll("ul.streams li").stream().map(WebElement::getText).toList())
        .containsExactly("events");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !browser.findAll("#snapshots-chart canvas").isEmpty());
    browser.screenshot("catalog-table");
    assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
    assertThat(browser.findAll("main script")).noneMatch(e -> e.getAttribute("src") == null);
    // the hostile values in the workbench's grid too
    browser.get("/sql");
    type("SELECT note FROM raw.events ORDER BY id");
    browser.find("#sql-run").click();
    awaitResult(".sql-result-page");
    assertThat(browser.find("#sql-result table.grid").getText()).contains(SCRIPT, IMAGE);
    assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
    browser.assertNoConsoleErrors();
  }

  @Test
  void editingTheDescriptionAndTagsSavesThem() {
    asAdmin();
    browser.get("/catalog/raw.secret");
    browser.script("document.querySelector('details').open = true");
    WebElement description = browser.find("#about-description");
    description.clear();
    description.sendKeys("Secrets of the shop");
    WebElement tags = browser.find("#about-tags");
    tags.clear();
    tags.sendKeys("team=growth\npii=yes");
    browser.find("#about-save").click();
    browser.waitLoaded();
    assertThat(browser.path()).isEqualTo("/catalog/raw.secret?saved=1");
    assertThat(browser.find("#table-description").getText()).isEqualTo("Secrets of the shop");
    assertThat(admin.get("/v1/tables/raw.secret").body().path("tags").path("team").asText())
        .isEqualTo("growth");
    assertThat(admin.get("/v1/tables/raw.secret").body().path("description").asText())
        .isEqualTo("Secrets of the shop");
    browser.assertNoConsoleErrors();
  }

  @Test
  void aUserWithoutReadOnATableDoesNotSeeIt() {
    as("ana", "ana-pass-1");
    browser.get("/catalog");
    assertThat(browser.findAll("a.table-link").stream().map(WebElement::getText).toList())
        .containsExactly("events");
    assertThat(browser.findAll("#about-form")).isEmpty();
    browser.get("/sql");
    assertThat(browser.find("#workbench").getAttribute("data-schema"))
        .contains("raw.events")
        .doesNotContain("secret");
    assertThat(browser.findAll("#sql-tile"))
        .as("no MANAGE on any dashboard, no tile form")
        .isEmpty();
    type("SELECT * FROM raw.secret");
    browser.find("#sql-run").click();
    assertThat(awaitResult(".sql-error").getText()).contains("privilege on table:raw.secret");
    // the history is ana's own
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !browser.findAll("#sql-history table.history").isEmpty());
    assertThat(browser.find("#sql-history").getText())
        .contains("raw.secret")
        .doesNotContain("range(");
    browser.get("/catalog/raw.events");
    assertThat(browser.findAll("#about-form")).as("no MANAGE, no form").isEmpty();
    browser.get("/catalog/raw.secret");
    assertThat(browser.find("main").getText()).contains("raw.secret");
    assertThat(browser.findAll("table.sample")).isEmpty();
    browser.clearConsole(); // the refused page answered 403, which the browser logs
  }
}
