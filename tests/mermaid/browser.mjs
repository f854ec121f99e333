// The headless Chromium both drivers use: the system's /usr/bin/chromium (or $CHROMIUM) through
// playwright-core, in a throwaway profile, with nothing fetched in the background.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

// The browser context, or exit 2 with one line on stderr if Chromium cannot start.
// `close()` shuts it and removes its profile.
export async function launch(name, options) {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  const profile = mkdtempSync(join(tmpdir(), `cgrad-${name}-`));
  const remove = () => rmSync(profile, { recursive: true, force: true });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath, headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      ...options,
    });
    return { context, close: async () => { await context.close(); remove(); } };
  } catch (failure) {
    console.error(`cannot start ${executablePath}: ${failure.message.split("\n")[0]}`);
    remove();
    process.exit(2);
  }
}
