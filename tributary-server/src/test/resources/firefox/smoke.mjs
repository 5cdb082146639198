// The console's pages in headless Firefox ESR, driven over WebDriver BiDi by puppeteer-core (no
// geckodriver, nothing downloaded): logs in through the form, opens every page named on the
// command line at 1280 px, waits for htmx and the dashboard tiles, saves a screenshot, and prints
// one JSON line: {"browser", "pages": [...], "problems": [...]} (console errors, script errors,
// failed requests and tiles in error, each with its page).
//
// Environment: TRIBUTARY_URL, TRIBUTARY_USER, TRIBUTARY_PASSWORD, FIREFOX (default
// /usr/bin/firefox-esr), SCREENSHOTS (a folder).
import puppeteer from "puppeteer-core";
import path from "node:path";

const base = process.env.TRIBUTARY_URL.replace(/\/$/, "");
const screenshots = process.env.SCREENSHOTS;
const pages = process.argv.slice(2);
const problems = [];
const visited = [];
let current = "/login";

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
  headless: true,
  args: ["--no-remote"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("console", (message) => {
    if (message.type() === "error") {
      problems.push(`${current}: console error ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`${current}: script error ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && response.url().startsWith(base)) {
      problems.push(`${current}: ${response.status()} for ${response.url()}`);
    }
  });
  page.on("requestfailed", (request) => {
    const reason = request.failure() ? request.failure().errorText : "";
    if (!/ABORT/i.test(reason)) {
      problems.push(`${current}: request failed ${request.url()} ${reason}`);
    }
  });

  await page.goto(`${base}/login`, { waitUntil: "load" });
  await page.type("#user", process.env.TRIBUTARY_USER);
  await page.type("#password", process.env.TRIBUTARY_PASSWORD);
  await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.click("form.login-form button[type=submit]"),
  ]);
  if (new URL(page.url()).pathname.startsWith("/login")) {
    throw new Error("the login was refused");
  }
  for (const target of pages) {
    current = target;
    await page.goto(base + target, { waitUntil: "load" });
    await page.waitForFunction(
      () => document.querySelectorAll(".htmx-request, .tile[data-state=loading]").length === 0,
      { timeout: 30000 },
    );
    const failedTiles = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".tile[data-state=error]")).map((t) => t.id),
    );
    failedTiles.forEach((tile) => problems.push(`${target}: tile ${tile} in error`));
    const name = target === "/" ? "home" : target.slice(1).replace(/[^a-z0-9]+/g, "-");
    if (screenshots) {
      await page.screenshot({ path: path.join(screenshots, `firefox-${name}.png`) });
    }
    visited.push({ page: target, title: await page.title() });
  }
  console.log(JSON.stringify({ browser: await browser.version(), pages: visited, problems }));
} finally {
  await browser.close();
}
