// Renders pages of a `cases site` in headless Chromium (playwright-core
// driving the system's /usr/bin/chromium) at desktop and phone widths;
// fails on a console error, a page error, a failed or non-file request, or
// a blank page; saves full-page screenshots.
//
// node scripts/browser-check.mjs SITE_DIR OUT_DIR PAGE...
// (run by scripts/browser-check.sh, which installs what it needs)
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [site, out, ...pages] = process.argv.slice(2);
if (!site || !out || pages.length === 0) {
  console.error("usage: browser-check.mjs SITE_DIR OUT_DIR PAGE...");
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const viewports = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

const problems = [];
for (const [name, options] of Object.entries(viewports)) {
  const context = await browser.newContext(options);
  for (const page of pages) {
    const tab = await context.newPage();
    const where = `${page} (${name})`;
    tab.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") {
        problems.push(`${where}: console ${message.type()}: ${message.text()}`);
      }
    });
    tab.on("pageerror", (error) => problems.push(`${where}: page error: ${error.message}`));
    tab.on("requestfailed", (request) =>
      problems.push(`${where}: request failed: ${request.url()} ${request.failure()?.errorText}`),
    );
    tab.on("request", (request) => {
      if (!request.url().startsWith("file:")) {
        problems.push(`${where}: request outside the site: ${request.url()}`);
      }
    });
    const url = pathToFileURL(resolve(join(site, page))).href;
    const response = await tab.goto(url, { waitUntil: "load" });
    if (!response || !response.ok()) {
      problems.push(`${where}: could not load ${url}`);
    }
    // Not blank: a heading, a main part with text, styles applied.
    const facts = await tab.evaluate(() => ({
      h1: document.querySelector("h1")?.textContent?.trim() ?? "",
      text: document.querySelector("main")?.innerText?.trim().length ?? 0,
      styled: getComputedStyle(document.body).fontFamily.includes("system-ui"),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      svgs: document.querySelectorAll("svg").length,
    }));
    if (!facts.h1) problems.push(`${where}: no heading`);
    if (facts.text < 200) problems.push(`${where}: main has only ${facts.text} characters of text`);
    if (!facts.styled) problems.push(`${where}: the stylesheet was not applied`);
    // On a phone the page itself must not scroll sideways (wide tables scroll in their box).
    if (name === "phone" && facts.overflow > 2) {
      problems.push(`${where}: the page is ${facts.overflow}px wider than the phone`);
    }
    const file = join(out, `${page.replaceAll("/", "_").replace(/\.html$/, "")}-${name}.png`);
    await tab.screenshot({ path: file, fullPage: true });
    if (name === "desktop") {
      // Printed: no navigation, the content kept.
      await tab.emulateMedia({ media: "print" });
      const navShown = await tab.evaluate(() => {
        const nav = document.querySelector("nav");
        return nav !== null && getComputedStyle(nav).display !== "none";
      });
      if (navShown) problems.push(`${where}: the navigation is printed`);
      await tab.screenshot({ path: file.replace(/-desktop\.png$/, "-print.png"), fullPage: true });
      await tab.emulateMedia({ media: "screen" });
    }
    console.log(`${where}: "${facts.h1}", ${facts.text} characters, ${facts.svgs} charts -> ${file}`);
    await tab.close();
  }
  await context.close();
}
await browser.close();

if (problems.length > 0) {
  for (const problem of problems) console.error(`browser-check: ${problem}`);
  process.exit(1);
}
console.log("browser-check: no console error, no failed request, no blank page");
