// Render Mermaid files with the real mermaid library in headless Chromium (the system's
// /usr/bin/chromium, driven by playwright-core, which never downloads a browser of its own).
//
//   node render.mjs [--png] IN.mmd OUT.svg [IN2.mmd OUT2.svg ...]
//
// For each pair it writes the SVG (and with --png a screenshot beside it, OUT.png) and prints
// one JSON line: {"input", "ok", "nodes", "edges", "edgeLabels", "error", "svgBytes"}.
// Exit status: 0 when every file rendered, 1 when one failed, 2 on a usage or launch problem.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const png = args[0] === "--png";
const pairs = png ? args.slice(1) : args;
if (pairs.length === 0 || pairs.length % 2) {
  console.error("usage: node render.mjs [--png] IN.mmd OUT.svg [IN.mmd OUT.svg ...]");
  process.exit(2);
}

const { context, close } = await launch("mermaid", { viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1.5 });

let failed = false;
try {
  const page = await context.newPage();
  await page.setContent("<!doctype html><html><head><meta charset='utf-8'></head>" +
                        "<body style='margin:0;background:white'><div id='out'></div></body></html>");
  await page.addScriptTag({ path: join(here, "node_modules/mermaid/dist/mermaid.min.js") });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));
  for (let i = 0; i < pairs.length; i += 2) {
    const [input, output] = [pairs[i], pairs[i + 1]];
    const text = readFileSync(input, "utf8");
    const result = await page.evaluate(async ([source, id]) => {
      const out = document.getElementById("out");
      out.innerHTML = "";
      try {
        const { svg } = await window.mermaid.render(id, source);
        out.innerHTML = svg;
        const root = out.querySelector("svg");
        const error = root.querySelector(".error-icon, .error-text") || /Syntax error/i.test(root.textContent)
          ? "mermaid drew an error diagram: " + root.textContent.trim().slice(0, 200) : null;
        const labels = [...root.querySelectorAll("g.node")].map((node) => node.textContent.trim());
        return {
          ok: !error, error, svg,
          nodes: root.querySelectorAll("g.node").length,
          edges: root.querySelectorAll("path.flowchart-link").length,
          edgeLabels: [...root.querySelectorAll("g.edgeLabel")].map((l) => l.textContent.trim()).filter(Boolean).length,
          labels,
        };
      } catch (failure) {
        return { ok: false, error: String(failure && failure.message || failure).slice(0, 2000) };
      }
    }, [text, `graph${i / 2}`]);
    if (result.svg) {
      writeFileSync(output, result.svg);
      if (png) {
        const element = await page.$("#out svg");
        await page.evaluate(() => {
          const svg = document.querySelector("#out svg");
          svg.style.maxWidth = "none";  // draw at the natural size, not squeezed to the viewport
        });
        await element.screenshot({ path: output.replace(/\.svg$/, "") + ".png" });
      }
    }
    failed ||= !result.ok;
    const { svg, ...report } = result;
    console.log(JSON.stringify({ input, svgBytes: svg ? svg.length : 0, ...report }));
  }
} finally {
  await close();
}
process.exit(failed ? 1 : 0);
