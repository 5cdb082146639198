package io.tributary.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A real headless Chromium for the console's browser tests, through the system's chromedriver
 * ({@code /usr/bin/chromedriver}; Selenium Manager never downloads anything): opens console pages
 * (after logging in through the form when access control is on), collects the browser's console
 * messages (a {@code SEVERE} one, such as a script error, a CSP violation or a failed asset, fails
 * {@link #assertNoConsoleErrors()}), saves screenshots to {@code target/screenshots/} and reads a
 * page's navigation timing.
 *
 * <pre>{@code
 * try (Browser browser = Browser.open(platform.httpUri())) {
 *   browser.login("admin", platform.adminCredentials().password());
 *   browser.get("/pipelines");
 *   browser.screenshot("pipelines");
 *   browser.assertNoConsoleErrors();
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  /** The chromedriver used unless {@code -Dwebdriver.chrome.driver} names another. */
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  /** The desktop window size; {@link #phone()} switches to a phone's. */
  public static final Dimension DESKTOP = new Dimension(1280, 900);

  public static final Dimension PHONE = new Dimension(390, 844);

  /** What the page's navigation timing says, in milliseconds from the navigation's start. */
  public record Timing(
      double firstPaint,
      double firstContentfulPaint,
      double domContentLoaded,
      double load,
      double responseEnd) {}

  private final URI base;
  private final ChromeDriver driver;
  private final List<LogEntry> seen = new ArrayList<>();

  private Browser(URI base, ChromeDriver driver) {
    this.base = base;
    this.driver = driver;
  }

  /** A new headless Chromium at 1280 px for the platform at {@code base}. */
  public static Browser open(URI base) {
    String chromedriver = System.getProperty("webdriver.chrome.driver", CHROMEDRIVER);
    System.setProperty("webdriver.chrome.driver", chromedriver);
    ChromeOptions options = new ChromeOptions();
    if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
      options.setBinary("/usr/bin/chromium");
    }
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(chromedriver).toFile())
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().window().setSize(DESKTOP);
    return new Browser(base, driver);
  }

  /** The driver, for what this class does not offer. */
  public WebDriver driver() {
    return driver;
  }

  /** The absolute URL of {@code path} on the platform. */
  public String url(String path) {
    return base.resolve(path).toString();
  }

  /** Opens {@code path} (e.g. {@code /pipelines}) and waits until it has loaded. */
  public Browser get(String path) {
    driver.get(url(path));
    waitLoaded();
    return this;
  }

  /** Waits until the document has loaded and htmx has no request in flight. */
  public void waitLoaded() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Boolean.TRUE.equals(
                    script(
                        "return document.readyState === 'complete'"
                            + " && document.querySelectorAll('.htmx-request').length === 0")));
  }

  /** The current path (with query), e.g. {@code /login?next=%2F}. */
  public String path() {
    URI uri = URI.create(driver.getCurrentUrl());
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** Logs in through the login form as {@code user}; asserts it worked. */
  public Browser login(String user, String password) {
    submitLogin(user, password);
    assertThat(path()).as("the page after logging in as %s", user).doesNotStartWith("/login");
    return this;
  }

  /** Fills and submits the login form (opening it first unless it is shown), whatever comes. */
  public Browser submitLogin(String user, String password) {
    if (!path().startsWith("/login")) {
      get("/login");
    }
    WebElement name = driver.findElement(By.id("user"));
    name.clear();
    name.sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.cssSelector("form.login-form button[type=submit]")).click();
    waitLoaded();
    return this;
  }

  /** The first element matching {@code css}. */
  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Every element matching {@code css}. */
  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Runs {@code javascript} in the page and returns its value. */
  public Object script(String javascript, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(javascript, args);
  }

  /** Switches to a phone's width (390 px). */
  public Browser phone() {
    driver.manage().window().setSize(PHONE);
    return this;
  }

  /** Switches back to the desktop width (1280 px). */
  public Browser desktop() {
    driver.manage().window().setSize(DESKTOP);
    return this;
  }

  /** Saves a screenshot of the window as {@code target/screenshots/<name>.png}. */
  public Path screenshot(String name) {
    Path file = Path.of("target", "screenshots", name + ".png");
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the screenshot " + file, e);
    }
    return file;
  }

  /** The browser console's messages since the browser started (every level). */
  public List<LogEntry> consoleMessages() {
    seen.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
    return List.copyOf(seen);
  }

  /** The {@code SEVERE} console messages (script errors, CSP violations, failed loads). */
  public List<String> consoleErrors() {
    return consoleMessages().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Fails when the browser's console has an error since the browser started. */
  public void assertNoConsoleErrors() {
    assertThat(consoleErrors()).as("browser console errors (at %s)", path()).isEmpty();
  }

  /** Forgets the console messages seen so far (e.g. after a page that fails on purpose). */
  public void clearConsole() {
    consoleMessages();
    seen.clear();
  }

  /** The time the first tile of a dashboard was drawn, in ms from the navigation's start. */
  public double firstTileDrawn() {
    return number(
        script(
            "const m = performance.getEntriesByName('tributary:first-tile-drawn')[0];"
                + " return m ? m.startTime : -1;"));
  }

  /** The current page's navigation timing. */
  public Timing timing() {
    @SuppressWarnings("unchecked")
    Map<String, Object> values =
        (Map<String, Object>)
            script(
                "const nav = performance.getEntriesByType('navigation')[0];"
                    + " const paint = name => (performance.getEntriesByName(name)[0] || {startTime: -1}).startTime;"
                    + " return {fp: paint('first-paint'), fcp: paint('first-contentful-paint'),"
                    + " dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,"
                    + " response: nav.responseEnd};");
    return new Timing(
        number(values.get("fp")),
        number(values.get("fcp")),
        number(values.get("dcl")),
        number(values.get("load")),
        number(values.get("response")));
  }

  /** Whether the page is wider than the window (the body scrolls sideways). */
  public boolean overflowsHorizontally() {
    return Boolean.TRUE.equals(
        script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth"));
  }

  /** The widest elements poking out of the window, for a failure message. */
  public Object overflowingElements() {
    return script(
        "const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *'))"
            + ".filter(e => e.getBoundingClientRect().right > w + 1)"
            + ".slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));");
  }

  /**
   * The page's accessibility violations of impact {@code serious} or {@code critical}, found by
   * axe-core (the test-scoped webjar, injected into the page): one line per rule with the first
   * offending elements.
   */
  public List<String> seriousAccessibilityViolations() {
    script(AxeCore.source());
    @SuppressWarnings("unchecked")
    List<String> found =
        (List<String>)
            ((JavascriptExecutor) driver)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + " axe.run(document, {resultTypes: ['violations']}).then(r => done("
                        + " r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                        + " .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '"
                        + " + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))),"
                        + " e => done(['axe failed: ' + e]));");
    return found;
  }

  /** Fails when axe-core finds a serious or critical accessibility violation on the page. */
  public void assertAccessible() {
    assertThat(seriousAccessibilityViolations())
        .as("serious or critical accessibility violations (at %s)", path())
        .isEmpty();
  }

  private static double number(Object value) {
    return value == null ? -1 : ((Number) value).doubleValue();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
