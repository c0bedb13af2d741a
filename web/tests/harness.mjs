// Test harness: a tiny static server for web/dist on 127.0.0.1 (ephemeral port) and Debian's
// Chromium driven by playwright-core. Every wait is bounded; everything started here is closed.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const WEB = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const DIST = join(WEB, "dist");
export const ROOT = resolve(WEB, "..");
export const ARTIFACTS = join(ROOT, "tests", "artifacts");
export const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".hcl": "text/plain; charset=utf-8",
  ".yaml": "text/plain; charset=utf-8",
  ".yml": "text/plain; charset=utf-8",
};

/** Serves DIST; resolves to { url, close }. */
export async function serve(root = DIST) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The flags these machines need (DESIGN §4); playwright gives each launch a fresh --user-data-dir. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A page that records console errors and page errors (from the page and its worker). */
export async function openPage(browser, url, { width = 1400, height = 950, colorScheme = "light", serviceWorkers = "allow" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, serviceWorkers });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("worker", (w) => w.on("console", (m) => m.type() === "error" && errors.push(`worker: ${m.text()}`)));
  if (url) await page.goto(url);
  return { context, page, errors };
}

/** Waits until the planner has rendered the views for the current files. */
export async function settled(page) {
  await page.waitForFunction(
    () => document.body.dataset.busy === "false" && performance.getEntriesByName("mg:first-view").length > 0,
    null,
    { timeout: 20_000 },
  );
}
