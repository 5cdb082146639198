package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.config.TributaryConfig;
import io.tributary.server.console.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
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
  private Browser browser;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TributaryConfig.fromYaml(TestConfigs.yaml(dir, 0, "  - name: clicks\n"), "test"),
            Clock.systemUTC());
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
}
