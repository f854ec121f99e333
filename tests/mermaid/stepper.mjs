// Drive cgrad's stepper pages (cgrad diagram --format html) in headless Chromium, as a reader
// would: open each page from disk, press → through every step and ← once, open it again at
// #step=K; record every request the page makes (any that is not the file itself is blocked).
//
//   node stepper.mjs [--png DIR] PAGE.html [PAGE2.html ...]
//
// Prints one JSON line per page: {"page", "requests", "external", "visits", "back", "hashed",
// "hiddenAtStart", "hiddenAtEnd"}; each visit {"counter", "node", "row", "lit"}: the counter's
// text, the first label line of the lit node, the lit table row, how many edges are lit.
// Exit status: 0 when every page loaded, 2 on a usage or launch problem.
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "./browser.mjs";

const args = process.argv.slice(2);
const shots = args[0] === "--png" ? args[1] : null;
const pages = shots ? args.slice(2) : args;
if (pages.length === 0) {
  console.error("usage: node stepper.mjs [--png DIR] PAGE.html [PAGE2.html ...]");
  process.exit(2);
}

const { context, close } = await launch("stepper", { viewport: { width: 1100, height: 900 } });

const seen = () => ({
  counter: document.getElementById("counter").textContent,
  node: document.querySelector("g.node.current text")?.textContent ?? null,
  row: document.querySelector("tr.current")?.id ?? null,
  lit: document.querySelectorAll("g.edge.lit").length,
});
const hidden = () => [...document.querySelectorAll("#picture text")].filter((t) => t.style.visibility === "hidden").length;

try {
  for (const file of pages) {
    const url = pathToFileURL(resolve(file)).href;
    const requests = [];
    const external = [];
    await context.route("**/*", (route) => {
      const target = route.request().url();
      requests.push(target);
      if (target.startsWith(url.split("#")[0])) return route.continue();
      external.push(target);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(url);
    const count = await page.evaluate(() => JSON.parse(document.getElementById("frames").textContent).steps.length);
    const hiddenAtStart = await page.evaluate(hidden);
    const visits = [];
    for (let i = 0; i < count; i++) {
      await page.keyboard.press("ArrowRight");
      visits.push(await page.evaluate(seen));
    }
    const hiddenAtEnd = await page.evaluate(hidden);
    await page.keyboard.press("ArrowLeft");
    const back = await page.evaluate(seen);
    await page.close();
    const opened = await context.newPage();  // a page opened at #step=3 starts there
    await opened.goto(url + "#step=3");
    const hashed = await opened.evaluate(seen);
    if (shots) {
      await opened.evaluate((k) => { location.hash = `step=${k}`; }, Math.ceil(count / 2) + 1);
      await opened.screenshot({ path: join(shots, basename(file).replace(/\.html$/, ".png")), fullPage: true });
    }
    await opened.close();
    await context.unroute("**/*");
    console.log(JSON.stringify({ page: file, requests, external, visits, back, hashed, hiddenAtStart, hiddenAtEnd }));
  }
} finally {
  await close();
}
