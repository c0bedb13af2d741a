// The playground in a real browser: Debian's Chromium driven by playwright-core against web/dist
// (build it first: web/build.sh). Run: node --test tests/playground.test.mjs (from web/).
// Screenshots go to tests/artifacts/ at the repository root; timings are reported, not asserted.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, DIST, launch, openPage, ROOT, serve, settled, WEB } from "./harness.mjs";

let server;
let browser;
const timings = {};
const examples = JSON.parse(await readFile(join(DIST, "examples", "index.json"), "utf8")).examples;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await writeFile(join(ARTIFACTS, "timings.json"), JSON.stringify(timings, null, 2) + "\n");
  console.log(`# timings (ms, localhost): ${JSON.stringify(timings)}`);
});

/** 2,000 intentions over 100 files: svc-000…svc-099 each allow or deny 20 of 200 clients; a
 * proxy-defaults makes everything http, and every fifth source has L7 permissions. */
function bigWorkspace() {
  const files = [{ name: "defaults.hcl", text: 'Kind = "proxy-defaults"\nName = "global"\nConfig {\n  protocol = "http"\n}\n' }];
  for (let d = 0; d < 100; d++) {
    const name = `svc-${String(d).padStart(3, "0")}`;
    const sources = Array.from({ length: 20 }, (_, j) => {
      const client = `client-${String((d * 7 + j * 13) % 200).padStart(3, "0")}`;
      if (j % 5 === 4) {
        return `  {\n    Name = "${client}"\n    Permissions = [\n      { Action = "deny", HTTP { PathPrefix = "/admin" } },\n      { Action = "allow", HTTP { PathPrefix = "/" } },\n    ]\n  },`;
      }
      return `  { Name = "${client}", Action = "${j % 3 === 2 ? "deny" : "allow"}" },`;
    });
    files.push({ name: `${name}-intentions.hcl`, text: `Kind = "service-intentions"\nName = "${name}"\nSources = [\n${sources.join("\n")}\n]\n` });
  }
  return files;
}

/** Runs `body` with a fresh page (fresh storage) and asserts it logged no errors. */
async function withPage(body, options) {
  const { context, page, errors } = await openPage(browser, null, options);
  try {
    await body(page, errors);
    assert.deepEqual(errors, [], "the page logged errors");
  } finally {
    await context.close();
  }
}

async function open(page, hash = "") {
  await page.goto(server.url + hash);
  await settled(page);
}

async function loadExample(page, id) {
  await page.selectOption("[data-testid=examples]", id);
  await page.waitForFunction(
    (id) => document.body.dataset.example === id && document.body.dataset.busy === "false",
    id,
  );
}

/** Waits for the views to be rendered again after `action` (an edit). */
async function rerendered(page, action) {
  const before = await page.evaluate(() => Number(document.body.dataset.renders ?? 0));
  await action();
  await page.waitForFunction(
    (n) => Number(document.body.dataset.renders ?? 0) > n && document.body.dataset.busy === "false",
    before,
  );
}

/** Types `text` at the start of the file shown in the editor and waits for the views to follow. */
async function typeAtStart(page, text) {
  await rerendered(page, async () => {
    await page.click("[data-testid=editor] .cm-content");
    await page.keyboard.press("Control+Home");
    await page.keyboard.insertText(text);
  });
}

/** Adds a file through the file bar, types `text` into it and waits for the views to follow. */
async function addFile(page, name, text) {
  await page.click("[data-testid=file-add]");
  await page.fill("[data-testid=file-name-input]", name);
  await page.press("[data-testid=file-name-input]", "Enter");
  await page.waitForSelector(`[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="${name}"]`);
  await rerendered(page, async () => {
    await page.click("[data-testid=editor] .cm-content");
    await page.keyboard.insertText(text);
  });
}

async function fileTabs(page) {
  return page.$$eval("[data-testid=file-tabs] [role=tab]", (els) => els.map((e) => e.dataset.file));
}

async function view(page, id) {
  await page.click(`[data-testid=view-tab-${id}]`);
  await page.waitForSelector(`[data-testid=view-${id}]:not([hidden])`);
  // A view computes what it needs when first shown: wait for the worker's answers.
  await page.waitForFunction(() => document.body.dataset.busy === "false");
  return page.locator(`[data-testid=view-${id}]`);
}

/** The text of matrix cell source × destination. */
async function cell(page, source, destination) {
  return page.evaluate(
    ([s, d]) => {
      const table = document.querySelector("[data-testid=intention-matrix]");
      const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim().split(" ")[0]);
      const col = heads.indexOf(d);
      const row = [...table.querySelectorAll("tbody tr")].find((tr) => tr.querySelector("th").textContent.trim() === s);
      return row?.children[col]?.getAttribute("data-verdict") ?? null;
    },
    [source, destination],
  );
}

/** The rows of the chosen gateway's route tables, as text (note rows and intention rows left out). */
async function gatewayRows(page, key) {
  await page.waitForSelector(`[data-testid=view-routes] [data-testid=gateway-routes][data-gateway="${key}"]`);
  return page.$$eval(
    `[data-testid=view-routes] [data-gateway="${key}"] [data-testid=gateway-route-table] tbody tr:not(.note):not(.sub)`,
    (rows) => rows.map((r) => r.innerText.replace(/\s+/g, " ").trim()),
  );
}

/** The rows of a dials table (`scope` selects what holds it), as text; problem rows left out. */
async function dialRows(page, scope) {
  await page.waitForSelector(`${scope} [data-testid=dials]`);
  return page.$$eval(`${scope} [data-testid=dials] tbody tr:not(.note)`, (rows) =>
    rows.map((r) => r.innerText.replace(/\s+/g, " ").trim()),
  );
}

async function pickGateway(page, key) {
  await page.selectOption("[data-testid=gateway-picker]", key);
  return gatewayRows(page, key);
}

async function upstreamRow(page, proxy, upstream) {
  return page.evaluate(
    ([p, u]) => {
      const section = document.querySelector(`[data-testid=view-upstreams] [data-proxy="${p}"]`);
      const row = [...(section?.querySelectorAll("tbody tr") ?? [])].find(
        (tr) => tr.querySelector("strong")?.textContent === u,
      );
      return row ? row.innerText.replace(/\s+/g, " ") : null;
    },
    [proxy, upstream],
  );
}

async function simulate(page, fields) {
  const form = "[data-testid=simulate-form]";
  for (const name of ["source", "source_peer", "destination", "path"]) {
    await page.fill(`${form} [name=${name}]`, fields[name] ?? "");
  }
  await page.selectOption(`${form} [name=method]`, fields.method ?? "");
  await page.fill(`${form} [name=headers]`, (fields.headers ?? []).join("\n"));
  await page.setChecked(`${form} [name=no_route]`, Boolean(fields.no_route));
  const before = await page.evaluate(() => Number(document.body.dataset.simulations ?? 0));
  await page.click("[data-testid=sim-run]");
  await page.waitForFunction((n) => Number(document.body.dataset.simulations ?? 0) > n, before);
  const text = async (sel) => (await page.$(sel)) && (await page.textContent(sel));
  return {
    verdict: await text("[data-testid=simulate-verdict]"),
    explanation: await text("[data-testid=simulate-explanation]"),
    decidedAt: await text("[data-testid=simulate-decided-at]"),
    note: await text("[data-testid=simulate-note]"),
    route: await text("[data-testid=simulate-route-description]"),
    rewritten: await text("[data-testid=simulate-rewritten-path]"),
    legs: await page.$$eval("[data-testid=simulate-legs] tbody tr", (rows) =>
      rows.map((r) => [...r.children].slice(0, 3).map((td) => td.innerText.trim())),
    ),
    trace: await page.$$eval("[data-testid=simulate-trace] tbody tr", (rows) =>
      rows.map((r) => [...r.children].map((td) => td.innerText.trim())),
    ),
  };
}

/** api's router sends /admin to admin and rewrites /v1/ to /internal/; its splitter sends a tenth
 * of the rest to canary; db speaks tcp. web may call api (but not /internal), db, not canary;
 * only ops may call admin. */
const ROUTED = [
  { name: "defaults.hcl", text: 'Kind = "proxy-defaults"\nName = "global"\nConfig {\n  protocol = "http"\n}\n' },
  {
    name: "api-router.hcl",
    text: `Kind = "service-router"
Name = "api"
Routes = [
  { Match { HTTP { PathPrefix = "/admin" } } Destination { Service = "admin" } },
  { Match { HTTP { PathPrefix = "/v1/" } } Destination { PrefixRewrite = "/internal/" } },
]
`,
  },
  { name: "api-splitter.hcl", text: 'Kind = "service-splitter"\nName = "api"\nSplits = [{ Weight = 90 }, { Weight = 10, Service = "canary" }]\n' },
  {
    name: "api-intentions.hcl",
    text: `Kind = "service-intentions"
Name = "api"
Sources = [{ Name = "web", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/internal" } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
`,
  },
  { name: "admin-intentions.hcl", text: 'Kind = "service-intentions"\nName = "admin"\nSources = [{ Name = "ops", Action = "allow" }, { Name = "*", Action = "deny" }]\n' },
  { name: "canary-intentions.hcl", text: 'Kind = "service-intentions"\nName = "canary"\nSources = [{ Name = "web", Action = "deny" }]\n' },
  { name: "db.hcl", text: 'Kind = "service-defaults"\nName = "db"\nProtocol = "tcp"\n' },
  { name: "db-intentions.hcl", text: 'Kind = "service-intentions"\nName = "db"\nSources = [{ Name = "web", Action = "allow" }]\n' },
];

/** Opens the page on `files` (through the stored workspace, as a returning visitor). */
async function openFiles(page, files) {
  await open(page);
  await page.evaluate((state) => localStorage.setItem("meshgate.playground.v1", JSON.stringify(state)), { files, settings: {} });
  await page.goto(server.url);
  await settled(page);
}

describe("the playground", () => {
  test("first load: the first example, every view rendered, timing reported", async () => {
    await withPage(async (page) => {
      await open(page);
      const marks = await page.evaluate(() => ({
        firstView: performance.getEntriesByName("mg:first-view")[0]?.startTime,
        firstRoutes: performance.getEntriesByName("mg:first-routes")[0]?.startTime,
        plannerReady: performance.getEntriesByName("mg:planner-ready")[0]?.startTime,
        domContentLoaded: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd,
      }));
      timings.page_load_to_first_view = Math.round(marks.firstView);
      timings.page_load_to_first_routes = Math.round(marks.firstRoutes);
      assert.ok(marks.firstRoutes > 0 && marks.firstRoutes <= marks.firstView);
      timings.page_load_to_planner_ready = Math.round(marks.plannerReady);
      timings.dom_content_loaded = Math.round(marks.domContentLoaded);
      assert.ok(marks.firstView > 0);
      assert.equal(await page.inputValue("[data-testid=examples]"), examples[0].id);
      assert.equal(await page.locator("[data-testid=file-tabs] [role=tab]").count(), examples[0].files.length);
      assert.match(await page.textContent("[data-testid=status]"), /^valid/);
      assert.match(await page.textContent("[data-testid=diagnostics-list]"), /No problems/);
      for (const id of ["routes", "upstreams", "intentions", "simulate", "envoy", "plan"]) {
        assert.equal(await page.locator(`[data-testid=view-${id}]`).count(), 1, id);
      }
      assert.match(await page.textContent("footer"), /meshgate \d+\.\d+\.\d+/);
    });
  });

  test("each example loads and its view shows what it should", async () => {
    const routeRows = async (page, service) => {
      const rows = `[data-testid=view-routes] [data-chain="${service}"] [data-testid=route-table] tbody tr`;
      // innerText separates cells only in a rendered row (unrendered, it is textContent): wait
      // until the table is laid out, not only present (a clean CI run once read it before).
      await page.locator(rows).first().waitFor({ state: "visible" });
      return page.$$eval(rows, (rs) => rs.map((r) => r.innerText.replace(/\s+/g, " ").trim()));
    };
    const checks = {
      "discovery-chain": async (page) => {
        await view(page, "routes");
        const web = await routeRows(page, "web");
        assert.equal(web.length, 4);
        assert.match(web[0], /^1 PathPrefix "\/admin" admin rewrite prefix to \/ 100% admin/);
        assert.match(web[1], /Header x-canary exact "1" canary\.api 100% canary\.api → failover canary\.api @dc2, canary\.api @dc3/);
        assert.match(web[2], /90% stable\.api .*10% canary\.api/);
        assert.match(web[3], /catch-all/);
        const graph = page.locator('[data-chain="web"] [data-testid=chain-graph]');
        assert.equal(await graph.locator(".node.router").count(), 1);
        assert.equal(await graph.locator(".node.splitter").count(), 1);
        assert.equal(await graph.locator(".node.resolver").count(), 4);
        assert.equal(await graph.locator(".node.failover-only").count(), 4);
        assert.deepEqual(await graph.locator(".edge.split .edge-label").allTextContents(), ["90%", "10%"]);
        assert.deepEqual(await graph.locator(".port-label").allTextContents(), ["#1", "#2", "#3", "#4"]);
        // A node jumps to the entry that made it.
        await graph.locator(".node.splitter").click();
        await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="api-splitter.yaml"]');
      },
      "mesh-gateway": async (page) => {
        await view(page, "routes");
        const options = await page.$$eval("[data-testid=gateway-picker] option", (os) => os.map((o) => o.value));
        // The gateways, then the sidecars of the services behind them.
        assert.deepEqual(options, [
          "mesh-gateway-dc1",
          "mesh-gateway-dc2-a",
          "mesh-gateway-dc2-b",
          "mesh-gateway-dc3",
          "web-sidecar-proxy",
          "api-sidecar-proxy",
          "payments-sidecar-proxy",
          "billing-sidecar-proxy",
        ]);
        assert.ok(await page.locator("[data-testid=gateway-picker]").isVisible());
        const dc1 = await gatewayRows(page, "mesh-gateway-dc1");
        assert.equal(dc1.length, 12);
        // Each row says where its connections go: Connect endpoints, other gateways, or unrouted.
        assert.match(dc1[0], /^1 api\.default\.default\.cluster-02\.external\.<td> service api for peer cluster-02 api\.default\.dc1\.internal\.<td> Connect endpoints 127\.0\.0\.1:21001 exported-services\.hcl:4:3$/);
        assert.match(dc1[4], /^5 v1\.api\.default\.dc1\.internal\.<td> service api subset v1 = SNI unrouted api-resolver\.hcl:4:3$/);
        assert.match(dc1[6], /^7 payments\.default\.dc1\.internal\.<td> service payments also dialled by partition:analytics = SNI/);
        assert.match(dc1[10], /^11 \*\.dc2\.internal\.<td> wildcard datacenter dc2 gateways 10\.0\.2\.10:8443 10\.0\.2\.11:8443 dc2\.internal\.<td> remote mesh gateway 10\.0\.2\.10:8443 10\.0\.2\.11:8443 services\.hcl:10:3$/);
        assert.match(
          await page.textContent('[data-gateway="mesh-gateway-dc1"] tr[data-sni^="v1.api."] + tr.note'),
          /unrouted: `api` has no Connect endpoint \(sidecar, connect proxy or Connect-native instance\) in dc1 that subset `v1`'s filter selects/,
        );
        assert.match(dc1[11], /^12 \*\.dc3\.internal\.<td> wildcard/);
        assert.match(await page.textContent('[data-gateway="mesh-gateway-dc1"] tr.note'), /Consul terminates mTLS here/);
        assert.match(await page.textContent("[data-testid=gateways]"), /<td> stands for the trust domain 11111111-2222-3333-4444-555555555555\.consul/);
        // The full name is the tooltip of the short one.
        assert.equal(
          await page.getAttribute('[data-gateway="mesh-gateway-dc1"] tbody tr:first-child code.name', "title"),
          "api.default.default.cluster-02.external.11111111-2222-3333-4444-555555555555.consul",
        );
        const dc2 = await pickGateway(page, "mesh-gateway-dc2-b");
        assert.deepEqual(dc2.map((r) => r.split(" ")[1]), ["billing.default.dc2.internal.<td>", "*.dc1.internal.<td>", "*.dc3.internal.<td>"]);
        const dc3 = await pickGateway(page, "mesh-gateway-dc3");
        assert.equal(dc3.length, 2);
        assert.match(await page.textContent('[data-gateway="mesh-gateway-dc3"] [data-testid=gateway-notes]'), /no service lives in datacenter dc3/);
        assert.match(await page.textContent('[data-gateway="mesh-gateway-dc3"] .fallback'), /any other name: the connection is closed/);
      },
      "ingress-gateway": async (page) => {
        await view(page, "routes");
        // One gateway, and the sidecars of the services behind it.
        const options = await page.$$eval("[data-testid=gateway-picker] option", (os) => os.map((o) => o.value));
        assert.deepEqual(options, ["ingress-gateway", "web-sidecar-proxy", "api-sidecar-proxy", "db-sidecar-proxy"]);
        const listeners = await page.$$eval('[data-gateway="ingress-gateway"] .listener h5', (hs) => hs.map((x) => x.textContent));
        assert.match(listeners[0], /^listener 5432 tcp/);
        assert.match(listeners[1], /^listener 8080 http/);
        const rows = await gatewayRows(page, "ingress-gateway");
        assert.equal(rows.length, 5);
        assert.match(rows[0], /^every connection db 100% db ingress-gateway\.hcl:29:7$/);
        assert.match(rows[1], /^www\.example\.com example\.com service web every route: set x-forwarded-by=ingress-gateway 1 prefix \/ ingress-gateway\.hcl:8:7 100% web$/);
        assert.match(rows[2], /^api\.ingress\.\* service api 1 prefix \/ api-splitter\.hcl:1:1 90% v1\.api 10% v2\.api \(set x-api-version=v2\)$/);
        assert.match(rows[3], /^docs\.ingress\.\* service docs 1 prefix \/ ingress-gateway\.hcl:20:7 100% docs$/);
        assert.match(rows[4], /^status\.ingress\.\* service status/);
        const intentions = await page.$$eval('[data-gateway="ingress-gateway"] [data-testid=gateway-intentions] li', (ls) =>
          ls.map((l) => l.innerText.replace(/\s+/g, " ").trim()),
        );
        assert.deepEqual(intentions, [
          "1. ingress-gateway → api allow intentions.hcl:4:3",
          "2. ingress-gateway → web permissions (2) web-intentions.hcl:4:3",
        ]);
        assert.match(await page.textContent('[data-gateway="ingress-gateway"] .fallback'), /404/);
        // Where each target is dialled, as the gateway: a connect proxy, sidecars, Connect-native
        // instances; subsets whose filter selects no endpoint are unrouted, and say why.
        const dials = await dialRows(page, '[data-gateway="ingress-gateway"]');
        assert.match(await page.textContent('[data-gateway="ingress-gateway"] [data-testid=dials] caption'), /^Dials, mTLS as spiffe:\/\/<td>\/ns\/default\/dc\/dc1\/svc\/ingress-gateway$/);
        assert.deepEqual(dials, [
          "db db.default.dc1.internal.<td> Connect endpoints 10.0.0.35:21000 spiffe://<td>/ns/default/dc/dc1/svc/db",
          "web web.default.dc1.internal.<td> Connect endpoints 127.0.0.1:21000 spiffe://<td>/ns/default/dc/dc1/svc/web",
          "v1.api v1.api.default.dc1.internal.<td> unrouted spiffe://<td>/ns/default/dc/dc1/svc/api",
          "v2.api v2.api.default.dc1.internal.<td> unrouted spiffe://<td>/ns/default/dc/dc1/svc/api",
          "docs docs.default.dc1.internal.<td> Connect endpoints 127.0.0.1:8000 spiffe://<td>/ns/default/dc/dc1/svc/docs",
          "status status.default.dc1.internal.<td> Connect endpoints 127.0.0.1:8001 spiffe://<td>/ns/default/dc/dc1/svc/status",
        ]);
        assert.match(
          await page.textContent('[data-gateway="ingress-gateway"] [data-testid=dials] tr[data-cluster="v1.api.default.default.dc1"] + tr.note'),
          /unrouted: `api` has no Connect endpoint .* that subset `v1`'s filter selects/,
        );
        // A sidecar: its public listener, mTLS terminated as its service, then the application.
        await pickGateway(page, "web-sidecar-proxy");
        assert.match(
          (await gatewayRows(page, "web-sidecar-proxy"))[0],
          /^web http .*web\.default\.dc1\.internal\.<td> as spiffe:\/\/<td>\/ns\/default\/dc\/dc1\/svc\/web 127\.0\.0\.1:8080 none$/,
        );
      },
      "api-gateway": async (page) => {
        await view(page, "routes");
        const rows = await gatewayRows(page, "api-gateway");
        // tcp listener (port 5432) first, then the http listener's three hosts.
        assert.match(rows[0], /^tcp-route postgres postgres 100% postgres postgres-route\.hcl:1:1$/);
        assert.match(rows[1], /^api\.shop\.example\.com 1 regex \/items\/\[0-9\]\+ shop-route\.hcl:93:7 100% catalog$/);
        assert.match(rows[2], /^2 exact \/checkout and method POST shop-route\.hcl:52:7 100% checkout rewrite prefix to \/v1\/ add x-gateway=api-gateway remove x-debug$/);
        assert.match(rows[3], /^3 prefix \/catalog shop-route\.hcl:14:7 90% catalog 10% catalog-v2 \(set x-canary=true\) timeout 10s retries 2 on reset, 5xx$/);
        assert.match(rows[4], /^4 prefix \/cart and header x-session present shop-route\.hcl:59:7 100% checkout/);
        assert.match(rows[5], /^5 prefix \/ shop-route\.hcl:106:3 100% frontend$/);
        assert.match(rows[6], /^beta\.shop\.example\.com 1 prefix \/catalog and header x-beta exact "1" shop-beta-route\.hcl:13:7 100% catalog-v2$/);
        assert.match(rows[7], /^www\.shop\.example\.com 1 regex/);
        assert.equal(rows.length, 13);
        const titles = await page.$$eval('[data-gateway="api-gateway"] .listener h5', (hs) => hs.map((x) => x.textContent));
        assert.match(titles[1], /^listener public: port 8080 http, hostname \*\.shop\.example\.com/);
        assert.equal(await page.locator('[data-gateway="api-gateway"] [data-testid=gateway-intentions] li').count(), 2);
      },
      dataplane: async (page) => {
        await view(page, "routes");
        const options = await page.$$eval("[data-testid=gateway-picker] option", (os) => os.map((o) => [o.value, o.textContent]));
        assert.deepEqual(options.map(([v]) => v), [
          "ingress-gateway",
          "mesh-gateway@dc1",
          "mesh-gateway@dc2",
          "web-sidecar-proxy",
          "api-sidecar-proxy",
          "billing-sidecar-proxy",
        ]);
        assert.match(options[3][1], /^web-sidecar-proxy · sidecar · dc1/);
        assert.match(await page.textContent("#gateways-facts"), /^3 gateways · 3 sidecars · <td> stands for/);
        // The ingress gateway: sidecars and Connect-native instances by subset, a failover through
        // dc2's mesh gateway, and reports, which has no Connect endpoint (W0407): unrouted, and why.
        const ingress = '[data-gateway="ingress-gateway"]';
        assert.deepEqual(await dialRows(page, ingress), [
          "v1.api v1.api.default.dc1.internal.<td> Connect endpoints 10.0.0.11:21000 spiffe://<td>/ns/default/dc/dc1/svc/api",
          "v2.api v2.api.default.dc1.internal.<td> Connect endpoints 10.0.0.11:21000 10.0.0.12:8443 spiffe://<td>/ns/default/dc/dc1/svc/api",
          "billing billing.default.dc1.internal.<td> Connect endpoints 10.0.0.13:8443 spiffe://<td>/ns/default/dc/dc1/svc/billing",
          "↳ failover 1: billing @dc2 billing.default.dc2.internal.<td> remote mesh gateway 10.0.2.1:8443 spiffe://<td>/ns/default/dc/dc2/svc/billing",
          "reports reports.default.dc1.internal.<td> unrouted spiffe://<td>/ns/default/dc/dc1/svc/reports",
        ]);
        const problems = await page.$$eval(`${ingress} [data-testid=dial-problem]`, (rows) => rows.map((r) => r.innerText.trim()));
        assert.deepEqual(problems, [
          "↳ subset filter `Service.Meta.version matches \"v2.*\"` is not of a form meshgate reads: every instance is used",
          "↳ unrouted: `reports` has no Connect endpoint (sidecar, connect proxy or Connect-native instance) in dc1",
        ]);
        assert.ok(await page.locator(`${ingress} .targets li.unrouted`).count(), "reports is marked in its route");
        const codes = await page.$$eval("[data-testid=diagnostics-list] [data-code]", (els) => els.map((e) => e.dataset.code));
        assert.deepEqual(codes, ["W0407", "W0407"]);
        // A mesh gateway says where each SNI row goes.
        const mesh = await pickGateway(page, "mesh-gateway@dc1");
        assert.match(mesh.find((r) => r.includes(" reports.default.dc1.")), / = SNI unrouted services\.hcl:67:3$/);
        assert.match(mesh.find((r) => r.includes(" web.default.dc1.")), / = SNI Connect endpoints 10\.0\.0\.10:21000 services\.hcl:9:3$/);
        // web's sidecar: its public listener, then each upstream listener and what it dials, as web.
        await pickGateway(page, "web-sidecar-proxy");
        const web = '[data-gateway="web-sidecar-proxy"]';
        const upstreams = await page.$$eval(`${web} .listener.upstream h5`, (hs) => hs.map((x) => x.textContent));
        assert.equal(upstreams.length, 3);
        assert.match(upstreams[1], /^upstream billing in dc1 on 127\.0\.0\.1:9292 http, mesh gateway mode local/);
        assert.deepEqual(await dialRows(page, `${web} [data-upstream="billing"]`), [
          "billing billing.default.dc1.internal.<td> Connect endpoints 10.0.0.13:8443 spiffe://<td>/ns/default/dc/dc1/svc/billing",
          "↳ failover 1: billing @dc2 billing.default.dc2.internal.<td> local mesh gateway 10.0.1.1:8443 spiffe://<td>/ns/default/dc/dc2/svc/billing",
        ]);
        assert.match(await page.textContent(`${web} [data-upstream="billing"] [data-testid=dials] caption`), /^billing on 127\.0\.0\.1:9292 dials, mTLS as spiffe:\/\/<td>\/ns\/default\/dc\/dc1\/svc\/web$/);
        // A peer's service: its trust domain and CA; no gateway of the peer is known here.
        const [ledger] = await dialRows(page, `${web} [data-upstream="ledger"]`);
        assert.match(ledger, /unrouted .*svc\/ledger\$ peer partner's CA$/);
        assert.match(
          await page.textContent(`${web} [data-upstream="ledger"] [data-testid=dial-problem]`),
          /the settings give no mesh gateway of peer `partner` \(Peers\.partner\.MeshGateways\)/,
        );
        // The Upstreams view: the same dials, per upstream listener.
        await view(page, "upstreams");
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "billing"), /local from upstream/);
        const proxy = '[data-testid=view-upstreams] [data-proxy="web-sidecar-proxy"]';
        assert.match(await page.textContent(`${proxy} .facts`), /^Dials as spiffe:\/\/<td>\/ns\/default\/dc\/dc1\/svc\/web$/);
        assert.deepEqual(await dialRows(page, `${proxy} [data-testid=upstream-dials][data-upstream="api"]`), [
          "v1.api v1.api.default.dc1.internal.<td> Connect endpoints 10.0.0.11:21000 spiffe://<td>/ns/default/dc/dc1/svc/api",
          "v2.api v2.api.default.dc1.internal.<td> Connect endpoints 10.0.0.11:21000 10.0.0.12:8443 spiffe://<td>/ns/default/dc/dc1/svc/api",
        ]);
      },
      demo: async (page) => {
        await view(page, "routes");
        assert.ok((await page.locator("[data-testid=gateway-picker] option").count()) >= 3);
        const api = await routeRows(page, "api");
        assert.match(api[0], /PathPrefix "\/admin" admin/);
        assert.match(api[1], /90% stable\.api .*10% canary\.api/);
        await view(page, "intentions");
        assert.ok((await page.locator("[data-testid=intention-list] tbody tr").count()) > 0);
        // The demo's meshgate.hcl is its settings file here too: the peer's name for this cluster
        // (LocalName "demo") and its trust domain make ledger's SNI, as `meshgate upstreams` prints it.
        await view(page, "upstreams");
        assert.match(
          await upstreamRow(page, "web-sidecar-proxy", "ledger"),
          /ledger\.default\.default\.demo\.external\.99999999-8888-7777-6666-555555555555\.consul/,
        );
      },
      "gateway-modes": async (page) => {
        await view(page, "upstreams");
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "db"), /none from upstream direct/);
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "cache"), /remote from service-defaults remote-gateway 10\.1\.1\.10:8443/);
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "search"), /local from service-defaults local-gateway 10\.0\.1\.10:8443/);
        assert.match(await upstreamRow(page, "billing-sidecar-proxy", "payments"), /remote from proxy remote-gateway/);
        assert.match(await upstreamRow(page, "api-sidecar-proxy", "inventory"), /local from proxy-defaults local-gateway/);
      },
      "cross-datacenter": async (page) => {
        await view(page, "upstreams");
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "api"), /secondary remote from proxy remote-gateway 10\.1\.1\.10:8443/);
        assert.match(await upstreamRow(page, "frontend-sidecar-proxy", "reports"), /third remote from upstream remote-gateway 10\.2\.1\.10:8443/);
        // The peer's name for this cluster (no LocalName in the settings: the local datacenter), then its trust domain.
        assert.match(
          await upstreamRow(page, "frontend-sidecar-proxy", "catalog"),
          /peer cluster-01 .*catalog\.default\.default\.dc1\.external\.aaaaaaaa-0000-0000-0000-000000000001\.consul/,
        );
      },
      "l7-intentions": async (page) => {
        await view(page, "intentions");
        assert.equal(await cell(page, "web", "billing"), "l7");
        assert.equal(await cell(page, "frontend", "billing"), "deny");
        assert.equal(await cell(page, "frontend", "web"), "allow");
        assert.equal(await cell(page, "web", "frontend"), "default-deny");
        const rows = await page.$$eval("[data-testid=intention-list] tbody tr", (trs) => trs.map((tr) => tr.innerText));
        const web = rows.find((r) => r.includes("web → billing"));
        assert.match(web, /9 \(exact → exact\)/);
        assert.match(web, /deny PathPrefix \/admin/);
        assert.match(rows.at(-1), /\* → billing\s+8 \(\* → exact\)\s+deny/);
      },
      "shadowed-intention": async (page) => {
        await view(page, "intentions");
        assert.equal(await cell(page, "legacy", "billing"), "allow");
        assert.equal(await cell(page, "legacy", "reports"), "deny");
        const codes = await page.$$eval("[data-testid=diagnostics-list] [data-code]", (els) => els.map((e) => e.dataset.code));
        assert.deepEqual(codes, ["W0401"]);
      },
      "terminating-gateway": async (page) => {
        await view(page, "routes");
        const rows = await gatewayRows(page, "legacy-gateway");
        assert.equal(rows.length, 2);
        assert.match(
          rows[0],
          /^legacy-billing tcp terminating-gateway\.hcl:6:3 legacy-billing\.default\.dc1\.internal\.<td> as spiffe:\/\/<td>\/ns\/default\/dc\/dc1\/svc\/legacy-billing billing\.legacy\.example\.com:443 tls \(\/etc\/certs\/legacy-ca\.pem, sni billing\.legacy\.example\.com\)$/,
        );
        assert.match(rows[1], /^payments-api tcp terminating-gateway\.hcl:\d+:3 payments-api\.default\.dc1\.internal\.<td> .* 10\.30\.0\.12:8080 none$/);
        const intentions = await page.$$eval('[data-gateway="legacy-gateway"] [data-testid=linked-intentions]', (rows) =>
          rows.map((r) => r.innerText.replace(/\s+/g, " ").trim()),
        );
        assert.deepEqual(intentions, [
          "Intentions, the first that matches decides: 1. web → legacy-billing allow intentions.hcl:4:3 2. * → legacy-billing deny intentions.hcl:5:3",
          "Intentions, the first that matches decides: 1. billing → payments-api allow payments-intentions.yaml:4:5 2. web → payments-api deny payments-intentions.yaml:6:5",
        ]);
        await view(page, "intentions");
        assert.equal(await cell(page, "web", "legacy-billing"), "allow");
        assert.equal(await cell(page, "web", "payments-api"), "deny");
        assert.equal(await cell(page, "billing", "payments-api"), "allow");
      },
      seeds: async (page) => {
        await view(page, "upstreams");
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "api"), /peer cluster-01 remote from upstream remote-gateway/);
        assert.match(await upstreamRow(page, "web-sidecar-proxy", "db"), /secondary local from upstream local-gateway/);
      },
    };
    assert.deepEqual(Object.keys(checks).sort(), examples.map((e) => e.id).sort(), "a check for every example");
    await withPage(async (page) => {
      await open(page);
      for (const example of examples) {
        await loadExample(page, example.id);
        const tabs = await page.$$eval("[data-testid=file-tabs] [role=tab]", (els) => els.map((e) => e.dataset.file));
        assert.deepEqual(tabs, example.files.map((f) => f.split("/").pop()), example.id);
        const invalid = await page.$$eval("[data-testid=diagnostics-list] li.error", (els) => els.map((e) => e.textContent));
        assert.deepEqual(invalid, [], `${example.id} has no errors`);
        await checks[example.id](page);
      }
    });
  });

  test("a typed error shows at the right line and UTF-16 column, after emoji", async () => {
    await withPage(async (page) => {
      await open(page);
      // A new file through the file bar.
      await page.click("[data-testid=file-add]");
      await page.fill("[data-testid=file-name-input]", "emoji.json");
      await page.press("[data-testid=file-name-input]", "Enter");
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="emoji.json"]');
      const line3 = '  "Meta": { "note": "🚀 déjà vu 😀" }, "Protocool": "http"';
      // Line 3 has two emoji (two UTF-16 units each) and two accented letters before the typo.
      const text = ['{', '  "Kind": "service-defaults", "Name": "checkout", "Protocol": "http",', line3, '}'].join("\n");
      await rerendered(page, async () => {
        await page.click("[data-testid=editor] .cm-content");
        await page.keyboard.insertText(text);
      });
      const item = page.locator('[data-testid=diagnostics-list] [data-file="emoji.json"][data-code="E0201"]');
      await item.waitFor();
      assert.equal(await item.getAttribute("data-line"), "3");
      // JavaScript's own UTF-16 index of the key on that line, 1-based.
      const expected = line3.indexOf('"Protocool"') + 1;
      assert.equal(Number(await item.getAttribute("data-column-utf16")), expected);
      assert.match(await item.textContent(), /emoji\.json:3:\d+ .*Protocool/);
      // The squiggle covers exactly the key.
      const squiggle = page.locator(".cm-lintRange-error");
      await squiggle.first().waitFor();
      assert.deepEqual(await squiggle.allTextContents(), ['"Protocool"']);
      // The tab counts the error; clicking the diagnostic jumps to it.
      assert.match(await page.textContent('[data-testid=file-tabs] [data-file="emoji.json"]'), /1$/);
      await page.click("[data-testid=view-tab-plan]");
      assert.match(await page.textContent("[data-testid=plan-withheld]"), /1 error/);
      await page.click('[data-testid=file-tabs] [role=tab]:first-child');
      await item.click();
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="emoji.json"]');
      assert.match(await page.textContent(".cm-activeLine"), /Protocool/);
      assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("cm-content")));
      await page.screenshot({ path: join(ARTIFACTS, "diagnostics.png") });

      // Rename it to YAML-less .hcl? No: rename keeps it, then delete removes it and its problems.
      await page.click("[data-testid=file-rename]");
      await page.fill("[data-testid=file-name-input]", "emoji-renamed.json");
      await rerendered(page, () => page.press("[data-testid=file-name-input]", "Enter"));
      await page.waitForSelector('[data-testid=diagnostics-list] [data-file="emoji-renamed.json"]');
      await page.click("[data-testid=file-delete]");
      await rerendered(page, () => page.click("[data-testid=delete-yes]"));
      assert.equal(await page.locator('[data-testid=file-tabs] [data-file^="emoji"]').count(), 0);
      assert.match(await page.textContent("[data-testid=diagnostics-list]"), /No problems/);
    });
  });

  test("Convert…: an HCL service-defaults to Kubernetes and back, by keyboard; the views are unchanged; Undo", async () => {
    await withPage(async (page) => {
      await openFiles(page, ROUTED);
      const routes = async () => (await view(page, "routes")).innerText();
      const matrix = async () => {
        await view(page, "intentions");
        return page.$eval("[data-testid=intention-matrix]", (t) => t.innerText);
      };
      const before = { routes: await routes(), matrix: await matrix() };
      await page.click('[data-testid=file-tabs] [data-file="db.hcl"]');
      // The action, its form and the conversion, from the keyboard.
      await page.focus("[data-testid=file-convert]");
      await page.keyboard.press("Enter");
      await page.waitForSelector("[data-testid=convert-form]:not([hidden])");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "convert-to");
      assert.equal(await page.textContent("#convert-title"), "Convert db.hcl");
      // One entry: no entry picker.
      assert.ok(await page.locator("#convert-entry-label").isHidden());
      await page.selectOption("[data-testid=convert-to]", "crd");
      await page.focus("[data-testid=convert-replace]");
      await rerendered(page, () => page.keyboard.press("Enter"));
      assert.ok(await page.locator("[data-testid=convert-form]").isHidden());
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="db.crd.yaml"]');
      assert.equal((await fileTabs(page)).filter((f) => f.startsWith("db.")).join(), "db.crd.yaml");
      const crd = await page.textContent("[data-testid=editor] .cm-content");
      assert.match(crd, /apiVersion: consul\.hashicorp\.com\/v1alpha1/);
      assert.match(crd, /kind: ServiceDefaults/);
      assert.match(crd, /name: db/);
      assert.match(crd, /protocol: tcp/);
      assert.match(await page.textContent("[data-testid=diagnostics-list]"), /No problems/);
      assert.match(await page.textContent("[data-testid=notice]"), /Converted db\.hcl to Kubernetes \(CRD\) as db\.crd\.yaml/);

      // And back to HCL: the same entry, the same views.
      await page.click("[data-testid=file-convert]");
      await page.selectOption("[data-testid=convert-to]", "hcl");
      await rerendered(page, () => page.click("[data-testid=convert-replace]"));
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="db.hcl"]');
      const hcl = await page.textContent("[data-testid=editor] .cm-content");
      assert.match(hcl, /Kind = "service-defaults"/);
      assert.match(hcl, /Protocol = "tcp"/);
      assert.match(await page.textContent("[data-testid=diagnostics-list]"), /No problems/);
      assert.equal(await routes(), before.routes);
      assert.equal(await matrix(), before.matrix);

      // Undo brings the Kubernetes file back, name and text.
      await rerendered(page, () => page.click("[data-testid=undo]"));
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="db.crd.yaml"]');
      assert.equal(await page.textContent("[data-testid=editor] .cm-content"), crd);
      // The workspace before each conversion is kept, as before any replacement.
      assert.ok(await page.$$eval("[data-testid=examples] optgroup[data-testid=kept-work] option", (os) => os.length) >= 1);
      // Escape closes the form and gives the focus back to its button.
      await page.click("[data-testid=file-convert]");
      await page.waitForSelector("[data-testid=convert-form]:not([hidden])");
      await page.keyboard.press("Escape");
      assert.ok(await page.locator("[data-testid=convert-form]").isHidden());
      assert.equal(await page.evaluate(() => document.activeElement?.id), "file-convert");
    });
  });

  test("Convert…: a file of several entries, whole or one of them; a refused conversion says why", async () => {
    await withPage(async (page) => {
      const multi = {
        name: "api.yaml",
        text: [
          "Kind: service-router",
          "Name: api",
          "Routes:",
          "  - Match: { HTTP: { PathPrefix: /admin } }",
          "    Destination: { Service: admin }",
          "---",
          "Kind: service-splitter",
          "Name: api",
          "Splits:",
          "  - { Weight: 90 }",
          "  - { Weight: 10, Service: canary }",
          "---",
          "Kind: service-defaults",
          "Name: admin",
          "Protocol: http",
          "",
        ].join("\n"),
      };
      const meta = { name: "billing.hcl", text: 'Kind = "service-defaults"\nName = "billing"\nProtocol = "http"\nMeta { team = "pay" }\n' };
      await openFiles(page, [ROUTED[0], multi, meta]);
      await page.click('[data-testid=file-tabs] [data-file="api.yaml"]');
      await page.click("[data-testid=file-convert]");
      // The picker lists the entries by name (conversion picks by name).
      await page.waitForSelector("#convert-entry-label:not([hidden])");
      assert.deepEqual(await page.$$eval("[data-testid=convert-entry] option", (os) => os.map((o) => o.textContent)), [
        "Every entry (3)",
        "api (service-router, service-splitter)",
        "admin (service-defaults)",
      ]);
      // Every entry, replacing the file: three Kubernetes documents that read back without a problem.
      await page.selectOption("[data-testid=convert-to]", "crd");
      await rerendered(page, () => page.click("[data-testid=convert-replace]"));
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="api.crd.yaml"]');
      const crd = await page.evaluate(() => document.querySelector("[data-testid=editor] .cm-content").innerText);
      assert.deepEqual(crd.match(/^kind: \w+$/gm), ["kind: ServiceRouter", "kind: ServiceSplitter", "kind: ServiceDefaults"]);
      assert.match(await page.textContent("[data-testid=diagnostics-list]"), /No problems/);
      assert.match(await page.textContent("[data-testid=status]"), /^valid · 3 files · 5 entries/);

      // One entry of several opens as a new file (replacing would drop the others).
      await page.click("[data-testid=file-convert]");
      await page.waitForSelector("#convert-entry-label:not([hidden])");
      await page.selectOption("[data-testid=convert-entry]", "admin");
      assert.ok(await page.locator("[data-testid=convert-replace]").isDisabled());
      await page.selectOption("[data-testid=convert-to]", "hcl");
      await rerendered(page, () => page.click("[data-testid=convert-new]"));
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="admin.hcl"]');
      assert.deepEqual(await fileTabs(page), ["defaults.hcl", "api.crd.yaml", "billing.hcl", "admin.hcl"]);
      const hcl = await page.textContent("[data-testid=editor] .cm-content");
      assert.match(hcl, /Kind = "service-defaults"/);
      assert.doesNotMatch(hcl, /service-router|service-splitter/);
      // The entry is now in two files: the workspace says so, and so did the note.
      assert.match(await page.textContent("[data-testid=notice]"), /Opened admin\.hcl, converted from api\.crd\.yaml.*E0401/);
      await page.waitForSelector("[data-testid=diagnostics-list] [data-code=E0401]");

      // Meta has no Kubernetes form: refused, with the reason, and nothing changes.
      await page.click('[data-testid=file-tabs] [data-file="billing.hcl"]');
      const tabs = await fileTabs(page);
      await page.click("[data-testid=file-convert]");
      await page.selectOption("[data-testid=convert-to]", "crd");
      await page.click("[data-testid=convert-replace]");
      const error = page.locator("[data-testid=convert-error]");
      await error.filter({ hasText: /./ }).waitFor();
      assert.equal(await error.getAttribute("role"), "alert");
      assert.match(await error.textContent(), /service-defaults `billing`: Meta cannot be written as a Kubernetes resource/);
      assert.ok(await page.locator("[data-testid=convert-form]").isVisible(), "the form stays open on its error");
      await page.screenshot({ path: join(ARTIFACTS, "convert-refused.png") });
      assert.deepEqual(await fileTabs(page), tabs);
      assert.match(await page.textContent("[data-testid=editor] .cm-content"), /Meta \{ team = "pay" \}/);
      // Another form is fine: JSON says Meta.
      await page.selectOption("[data-testid=convert-to]", "json");
      await page.click("[data-testid=convert-new]");
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="billing.json"]');
      assert.match(await page.textContent("[data-testid=editor] .cm-content"), /"Meta": \{\s*"team": "pay"/);
      await page.screenshot({ path: join(ARTIFACTS, "convert.png") });

      // A kind with no Kubernetes form says so, and what to use instead.
      await addFile(page, "cert.hcl", 'Kind = "file-system-certificate"\nName = "site"\nCertificate = "/etc/tls/site.pem"\nPrivateKey = "/etc/tls/site.key"\n');
      await page.click("[data-testid=file-convert]");
      await page.selectOption("[data-testid=convert-to]", "crd");
      await page.click("[data-testid=convert-replace]");
      await error.filter({ hasText: /./ }).waitFor();
      assert.match(
        await error.textContent(),
        /^file-system-certificate `site` has no Kubernetes resource form: .*Secrets of type kubernetes\.io\/tls$/,
      );
      assert.equal((await fileTabs(page)).at(-1), "cert.hcl");
    });
  });

  test("a pasted Kubernetes manifest (ServiceIntentions + ServiceDefaults) is read; a wrong key shows at its line", async () => {
    await withPage(async (page) => {
      await openFiles(page, [{ name: "web.hcl", text: 'Kind = "service-defaults"\nName = "web"\nProtocol = "http"\n' }]);
      await page.click("[data-testid=file-add]");
      await page.fill("[data-testid=file-name-input]", "manifest.yaml");
      await page.press("[data-testid=file-name-input]", "Enter");
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="manifest.yaml"]');
      const manifest = (protocolKey) =>
        [
          "apiVersion: consul.hashicorp.com/v1alpha1",
          "kind: ServiceIntentions",
          "metadata:",
          "  name: billing-intentions",
          "  namespace: apps",
          "spec:",
          "  destination:",
          "    name: billing",
          "  sources:",
          "    - name: web",
          "      permissions:",
          "        - action: deny",
          "          http: { pathPrefix: /admin }",
          "        - action: allow",
          "          http: { pathPrefix: / }",
          "    - name: legacy",
          "      action: deny",
          "---",
          "apiVersion: consul.hashicorp.com/v1alpha1",
          "kind: ServiceDefaults",
          "metadata:",
          "  name: billing",
          "spec:",
          `  ${protocolKey}: http`,
          "",
        ].join("\n");
      // Pasted through the clipboard, as a user would.
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      await page.evaluate((text) => navigator.clipboard.writeText(text), manifest("protocol"));
      await rerendered(page, async () => {
        await page.click("[data-testid=editor] .cm-content");
        await page.keyboard.press("Control+V");
      });
      assert.match(await page.textContent("[data-testid=diagnostics-list]"), /No problems/);
      assert.match(await page.textContent("[data-testid=status]"), /^valid · 2 files · 3 entries/);
      await view(page, "intentions");
      assert.equal(await cell(page, "web", "billing"), "l7");
      assert.equal(await cell(page, "legacy", "billing"), "deny");
      await view(page, "simulate");
      const web = await simulate(page, { source: "web", destination: "billing", method: "GET", path: "/admin/x" });
      assert.equal(web.verdict, "Denied");
      // The HCL spelling in the second document: E0201 at its own line, with the CRD spelling.
      await rerendered(page, async () => {
        await page.click("[data-testid=editor] .cm-content");
        await page.keyboard.press("Control+A");
        await page.keyboard.insertText(manifest("Protocol"));
      });
      const item = page.locator('[data-testid=diagnostics-list] [data-file="manifest.yaml"][data-code="E0201"]');
      await item.waitFor();
      assert.equal(await item.getAttribute("data-line"), "24");
      assert.equal(await item.getAttribute("data-column-utf16"), "3");
      assert.match(await item.textContent(), /manifest\.yaml:24:3 .*Protocol.*did you mean `protocol`\?/);
      assert.deepEqual(await page.locator(".cm-lintRange-error").allTextContents(), ["Protocol"]);
    });
  });

  test("paste from the docs: JSON in a .hcl file and YAML in a .json file are read as what they are; a did-you-mean is fixed in one click", async () => {
    await withPage(async (page) => {
      await open(page);
      const problems = (file) => page.locator(`[data-testid=diagnostics-list] [data-file="${file}"]`);
      const fileText = () => page.$eval("[data-testid=editor] .cm-content", (e) => e.innerText);

      // JSON pasted into a .hcl tab: no HCL syntax error, only the typo, with its fix.
      const json = ["{", '  "Kind": "service-defaults",', '  "Name": "pasted",', '  "Protocl": "http"', "}"].join("\n");
      await addFile(page, "pasted.hcl", json);
      await problems("pasted.hcl").first().waitFor();
      assert.deepEqual(await problems("pasted.hcl").evaluateAll((els) => els.map((e) => e.dataset.code)), ["E0201"]);
      const fix = page.locator('[data-testid=diagnostics-list] li:has([data-file="pasted.hcl"]) [data-testid=fix]');
      // The key is quoted in JSON, and so is its fix.
      assert.equal(await fix.textContent(), 'Fix: "Protocol"');
      await rerendered(page, () => fix.click());
      assert.match(await fileText(), /"Protocol": "http"/);
      assert.equal(await problems("pasted.hcl").count(), 0);

      // YAML pasted into a .json tab: read as YAML; a value's did-you-mean, fixed from the
      // squiggle's tooltip this time (the bare value stays bare).
      await addFile(page, "pasted.json", "Kind: service-defaults\nName: yaml-pasted\nProtocol: htp\n");
      await problems("pasted.json").first().waitFor();
      assert.deepEqual(await problems("pasted.json").evaluateAll((els) => els.map((e) => e.dataset.code)), ["E0314"]);
      const squiggle = page.locator(".cm-lintRange-error");
      assert.deepEqual(await squiggle.allTextContents(), ["htp"]);
      await squiggle.first().hover();
      const action = page.locator(".cm-tooltip-lint .cm-diagnosticAction");
      await action.waitFor();
      assert.equal(await action.textContent(), "Fix: http");
      await rerendered(page, () => action.click());
      assert.match(await fileText(), /Protocol: http/);
      assert.equal(await problems("pasted.json").count(), 0);
      await page.screenshot({ path: join(ARTIFACTS, "pasted-and-fixed.png") });
    });
  });

  test("an ingress gateway entry pasted without its registration: one click registers it and its route table shows", async () => {
    await withPage(async (page) => {
      await openFiles(page, [
        {
          name: "ingress.hcl",
          text: 'Kind = "ingress-gateway"\nName = "edge"\nListeners = [{\n  Port = 8080\n  Protocol = "http"\n  Services = [{ Name = "web" }]\n}]\n',
        },
        { name: "web.hcl", text: 'Kind = "service-defaults"\nName = "web"\nProtocol = "http"\n' },
      ]);
      await view(page, "routes");
      const offer = page.locator("[data-testid=view-routes] [data-testid=unregistered]");
      await offer.waitFor();
      assert.match(await offer.innerText(), /ingress-gateway entry edge \(ingress\.hcl:1:1\) runs nowhere/);
      await rerendered(page, () => offer.locator("[data-testid=register]").click());
      assert.deepEqual(await fileTabs(page), ["ingress.hcl", "web.hcl", "edge-registration.hcl"]);
      assert.match(await page.$eval("[data-testid=editor] .cm-content", (e) => e.innerText), /kind += "ingress-gateway"/);
      assert.equal(await offer.count(), 0);
      const rows = await gatewayRows(page, "edge");
      assert.ok(rows.some((r) => /^web\.ingress\.\* .*100% web/.test(r)), rows.join("\n"));
      assert.match(await page.textContent('[data-testid=view-routes] [data-gateway="edge"]'), /8080/);
      // The Envoy view has the gateway to generate now.
      await view(page, "envoy");
      await page.waitForSelector("[data-testid=envoy-shown]");
    });
  });

  test("simulate an allowed and a denied request and read the trace", async () => {
    await withPage(async (page) => {
      await open(page);
      await loadExample(page, "l7-intentions");
      await page.screenshot({ path: join(ARTIFACTS, "view-intentions.png") });
      await view(page, "simulate");
      const allowed = await simulate(page, { source: "web", destination: "billing", method: "GET", path: "/invoices/42" });
      assert.equal(allowed.verdict, "Allowed");
      assert.match(allowed.explanation, /allowed by permission #2 of intention web → billing \(precedence 9, billing-intentions\.hcl:7:3\)/);
      assert.equal(allowed.trace.length, 2);
      assert.equal(allowed.trace[0][0], "web → billing");
      assert.match(allowed.trace[0][2], /^matched: this intention decides/);
      assert.match(allowed.trace[0][2], /#1 deny: path \/invoices\/42 does not match/);
      assert.match(allowed.trace[0][2], /#2 allow: matches/);
      assert.match(allowed.trace[1][2], /matches too, but a higher-ranked intention decided first/);

      const denied = await simulate(page, { source: "web", destination: "billing", method: "GET", path: "//invoices/../admin/users" });
      assert.equal(denied.verdict, "Denied");
      assert.match(denied.explanation, /denied by permission #1 of intention web → billing/);
      assert.equal(await page.textContent("[data-testid=normalized-path]"), "/admin/users");
      assert.match(denied.trace[0][2], /#1 deny: matches/);
      await page.screenshot({ path: join(ARTIFACTS, "view-simulate.png") });

      const stranger = await simulate(page, { source: "api", destination: "billing" });
      assert.equal(stranger.verdict, "Denied");
      assert.match(stranger.explanation, /denied by intention \* → billing \(precedence 8/);
      assert.equal(stranger.trace[0][2], "source name is web, not api");

      const header = await simulate(page, {
        source: "web",
        destination: "billing",
        method: "POST",
        path: "/charge",
        headers: ["x-idempotency-key: 7"],
      });
      assert.equal(header.verdict, "Allowed");
      const bad = await simulate(page, { source: "web", destination: "billing", headers: ["no colon here"] });
      assert.equal(bad.verdict, null);
      assert.match(await page.textContent("[data-testid=simulate-error]"), /must look like `Name: value`/);

      // Editing the files re-runs the last simulation: make web → billing a plain allow.
      await view(page, "simulate");
      await simulate(page, { source: "frontend", destination: "billing" });
      await page.click("[data-testid=settings] summary");
      await rerendered(page, () => page.selectOption("[data-testid=setting-mode]", "audit"));
      await page.waitForFunction(() => /audit mode/.test(document.querySelector("[data-testid=simulate-verdict]")?.textContent ?? ""));
    });
  });

  test("simulate follows the destination's route: the hop and its origin, a rewrite, a split's legs, a tcp note", async () => {
    await withPage(async (page) => {
      await openFiles(page, ROUTED);
      assert.match(await page.textContent("[data-testid=status]"), /^valid/);
      await view(page, "simulate");

      // web → api GET /admin/users lands at admin (api's route), where only ops may call.
      const admin = await simulate(page, { source: "web", destination: "api", method: "GET", path: "/admin/users" });
      assert.equal(admin.verdict, "Denied");
      assert.equal(admin.decidedAt, "admin");
      assert.match(admin.route, /^routed by api's route .*\/admin.* \(api-router\.hcl:4:3\) to admin$/);
      assert.equal(admin.rewritten, null);
      assert.deepEqual(admin.legs, [], "one target: no table of legs");
      assert.match(admin.trace[0][0], /→ admin$/);
      await page.screenshot({ path: join(ARTIFACTS, "view-simulate-route.png") });
      // The route's origin jumps to its line, as diagnostics do.
      await page.click("[data-testid=simulate-route] button.origin");
      await page.waitForSelector('[data-testid=file-tabs] [role=tab][aria-selected=true][data-file="api-router.hcl"]');
      assert.match(await page.textContent(".cm-activeLine"), /PathPrefix = "\/admin"/);

      // A rewrite: /v1/x reaches api as /internal/x, which web may not call.
      const rewrite = await simulate(page, { source: "web", destination: "api", method: "GET", path: "/v1/x" });
      assert.equal(rewrite.verdict, "Denied");
      assert.equal(rewrite.rewritten, "/internal/x");
      assert.equal(await page.textContent("[data-testid=normalized-path]"), "/internal/x");

      // A split: each target with its share and its own answer; the denying one decides.
      const split = await simulate(page, { source: "web", destination: "api", method: "GET", path: "/docs" });
      assert.deepEqual(split.legs, [
        ["api", "90%", "Allowed"],
        ["canary", "10%", "Denied"],
      ]);
      assert.equal(split.verdict, "Denied");
      assert.equal(split.decidedAt, "canary");
      assert.equal(await page.getAttribute("[data-testid=simulate-legs] tr.decided", "data-service"), "canary");

      // A tcp destination is decided at L4 whatever method was typed: the answer says so.
      const tcp = await simulate(page, { source: "web", destination: "db", method: "POST", path: "/x" });
      assert.equal(tcp.verdict, "Allowed");
      assert.match(tcp.note, /`db` speaks tcp: its connections are decided at L4/);
      assert.equal(tcp.route, null);
      assert.deepEqual(tcp.legs, []);
    });
  });

  test("“Decide at the destination only (--no-route)” asks the plain question, and travels in the share link", async () => {
    let link;
    await withPage(async (page) => {
      await openFiles(page, ROUTED);
      await view(page, "simulate");
      const plain = await simulate(page, { source: "web", destination: "api", method: "GET", path: "/admin/users", no_route: true });
      assert.equal(plain.verdict, "Allowed");
      assert.equal(plain.decidedAt, "api");
      assert.equal(plain.route, null);
      assert.deepEqual(plain.legs, []);
      await page.click("[data-testid=share]");
      link = await page.inputValue("[data-testid=share-link]");
    });
    await withPage(async (page) => {
      await open(page, new URL(link).hash);
      assert.ok(await page.isChecked("[data-testid=simulate-form] [name=no_route]"));
      await page.waitForSelector("[data-testid=simulate-verdict]");
      assert.equal(await page.textContent("[data-testid=simulate-verdict]"), "Allowed");
      assert.equal(await page.textContent("[data-testid=simulate-decided-at]"), "api");
      // Off again: the same question follows the route to admin.
      const routed = await simulate(page, { source: "web", destination: "api", method: "GET", path: "/admin/users" });
      assert.equal(routed.verdict, "Denied");
      assert.equal(routed.decidedAt, "admin");
    });
  });

  test("a share link restores the state exactly, and building it is idempotent", async () => {
    let link;
    let stored;
    await withPage(async (page) => {
      await open(page);
      await loadExample(page, "cross-datacenter");
      await rerendered(page, async () => {
        await page.click("[data-testid=editor] .cm-content");
        await page.keyboard.press("Control+End");
        await page.keyboard.insertText("\n# edited: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓  \n");
      });
      await page.click("[data-testid=settings] summary");
      await rerendered(page, () => page.fill("[data-testid=setting-datacenter]", "east"));
      await page.click("[data-testid=share]");
      link = await page.inputValue("[data-testid=share-link]");
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#state=[A-Za-z0-9_-]+$/);
      assert.equal(new URL(link).hash, await page.evaluate(() => location.hash));
      await page.click("[data-testid=share]");
      assert.equal(await page.inputValue("[data-testid=share-link]"), link, "same state, same link");
      stored = await page.evaluate(() => localStorage.getItem("meshgate.playground.v1"));
      assert.match(stored, /𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓  \\n/);
      assert.match(stored, /"datacenter":"east"/);

      // localStorage: the same browser without the link gets the same state back.
      await page.goto(server.url);
      await settled(page);
      assert.equal(await page.evaluate(() => localStorage.getItem("meshgate.playground.v1")), stored);
      assert.equal(await page.inputValue("[data-testid=setting-datacenter]"), "east");
    });
    // A fresh browser (no storage) opening the link sees exactly the same files and settings.
    await withPage(async (page) => {
      await open(page, new URL(link).hash);
      assert.equal(await page.inputValue("[data-testid=setting-datacenter]"), "east");
      const tabs = await page.$$eval("[data-testid=file-tabs] [role=tab]", (els) => els.map((e) => e.dataset.file));
      assert.deepEqual(tabs, ["instance-remote.hcl", "frontend.hcl", "gateways.yaml"]);
      assert.equal(await page.evaluate(() => localStorage.getItem("meshgate.playground.v1")), stored);
      await page.click("[data-testid=share]");
      assert.equal(await page.inputValue("[data-testid=share-link]"), link, "restored state, same link");
      await view(page, "upstreams");
      assert.match(await upstreamRow(page, "web-sidecar-proxy", "api"), /secondary remote/);
      assert.match(await page.textContent("[data-testid=view-upstreams]"), /for web, in east/);
    });
    // A damaged link says so and does not throw.
    await withPage(async (page) => {
      await open(page, "#state=AAAA");
      assert.match(await page.textContent("[data-testid=banner]"), /could not be opened/);
    });
  });

  test("an example picked after an edit keeps the work: Undo and “Your work” bring it back", async () => {
    await withPage(async (page) => {
      await open(page);
      const first = examples[0];
      await typeAtStart(page, "# my own edit 42\n");
      await loadExample(page, "l7-intentions");
      assert.deepEqual(await fileTabs(page), examples.find((e) => e.id === "l7-intentions").files.map((f) => f.split("/").pop()));
      assert.match(await page.textContent("[data-testid=notice]"), /Loaded the example .*Your previous workspace is kept/);
      // Undo brings the edited files back.
      await rerendered(page, () => page.click("[data-testid=undo]"));
      assert.deepEqual(await fileTabs(page), first.files.map((f) => f.split("/").pop()));
      assert.match(await page.textContent("[data-testid=editor] .cm-content"), /# my own edit 42/);
      // Another example; then a reload (the work lives in storage); then the menu's “Your work”.
      await loadExample(page, "ingress-gateway");
      await page.goto(server.url);
      await settled(page);
      const kept = await page.$$eval("[data-testid=examples] optgroup[data-testid=kept-work] option", (os) => os.map((o) => [o.value, o.textContent]));
      assert.ok(kept.length >= 1, "the kept work is in the menu");
      assert.match(kept[0][1], /^My workspace( \(from .*\))? · 5 files · /);
      await rerendered(page, () => page.selectOption("[data-testid=examples]", kept[0][0]));
      assert.deepEqual(await fileTabs(page), first.files.map((f) => f.split("/").pop()));
      assert.match(await page.textContent("[data-testid=editor] .cm-content"), /# my own edit 42/);
      // The example it replaced (unedited) is not kept: nothing was lost with it.
      const after = await page.$$eval("[data-testid=examples] optgroup[data-testid=kept-work] option", (os) => os.length);
      assert.equal(after, kept.length);
    });
  });

  test("Back and Forward move between workspaces, never to a blank page", async () => {
    await withPage(async (page) => {
      await open(page);
      const names = (id) => examples.find((e) => e.id === id).files.map((f) => f.split("/").pop());
      await loadExample(page, "l7-intentions");
      await loadExample(page, "mesh-gateway");
      const back = async (go, id) => {
        await go();
        await page.waitForFunction((id) => document.body.dataset.example === id && document.body.dataset.busy === "false", id);
        assert.deepEqual(await fileTabs(page), names(id));
        assert.match(await page.textContent("[data-testid=status]"), /^valid/);
        assert.ok(await page.locator("[data-testid=view-tabs] [aria-selected=true]").isVisible());
      };
      await back(() => page.goBack(), "l7-intentions");
      await back(() => page.goBack(), examples[0].id);
      await back(() => page.goForward(), "l7-intentions");
      await back(() => page.goForward(), "mesh-gateway");
    });
  });

  test("a corrupted link keeps its banner, its URL and the stored workspace", async () => {
    await withPage(async (page) => {
      await open(page);
      await page.click("[data-testid=settings] summary");
      await rerendered(page, () => page.fill("[data-testid=setting-datacenter]", "kept-dc"));
      await page.click("[data-testid=share]");
      const link = await page.inputValue("[data-testid=share-link]");
      for (const broken of [link.slice(0, -40), link.replace(/#state=(.{10})/, "#state=$1!~")]) {
        const hash = new URL(broken).hash;
        const stored = await page.evaluate(() => localStorage.getItem("meshgate.playground.v1"));
        assert.match(stored, /"datacenter":"kept-dc"/);
        await page.goto("about:blank");
        await open(page, hash);
        const banner = page.locator("[data-testid=banner]");
        assert.ok(await banner.isVisible(), "the banner stays after the views render");
        assert.match(await banner.textContent(), /could not be opened/);
        assert.equal(await page.inputValue("[data-testid=setting-datacenter]"), "kept-dc", "the stored workspace is shown");
        // Switching views (which saves the state) changes neither the URL nor storage.
        await view(page, "intentions");
        await page.waitForTimeout(600);
        assert.equal(await page.evaluate(() => location.hash), hash);
        assert.equal(await page.evaluate(() => localStorage.getItem("meshgate.playground.v1")), stored);
        assert.ok(await banner.isVisible());
        // Dismissed: the URL holds the state again.
        await page.click("[data-testid=banner-dismiss]");
        assert.equal(await banner.isVisible(), false);
        await page.waitForFunction((h) => location.hash.startsWith("#state=") && location.hash !== h, hash);
      }
      // A broken link pasted into the open page: the same banner, and the workspace stays.
      await page.evaluate(() => (location.hash = "#state=not-a-state"));
      await page.waitForSelector("[data-testid=banner]:visible");
      assert.match(await page.textContent("[data-testid=banner]"), /could not be opened/);
      assert.equal(await page.inputValue("[data-testid=setting-datacenter]"), "kept-dc");
      assert.equal(await page.evaluate(() => location.hash), "#state=not-a-state");
    });
  });

  test("the share link restores the view, the file, the gateway and the Simulate query", async () => {
    let link;
    await withPage(async (page) => {
      await open(page);
      await loadExample(page, "demo");
      await view(page, "routes");
      const keys = await page.$$eval("[data-testid=gateway-picker] option", (os) => os.map((o) => o.value));
      assert.ok(keys.length >= 2, `several gateways: ${keys}`);
      const gateway = keys[keys.length - 1];
      await pickGateway(page, gateway);
      await page.click('[data-testid=file-tabs] [data-file="intentions.hcl"]');
      await view(page, "simulate");
      const result = await simulate(page, { source: "ingress", destination: "api", method: "GET", path: "/internal/x" });
      assert.equal(result.verdict, "Denied");
      await page.click("[data-testid=share]");
      link = await page.inputValue("[data-testid=share-link]");
      link = { link, gateway };
    });
    await withPage(async (page) => {
      await open(page, new URL(link.link).hash);
      assert.ok(await page.locator("[data-testid=view-simulate]").isVisible());
      assert.equal(await page.getAttribute("[data-testid=file-tabs] [aria-selected=true]", "data-file"), "intentions.hcl");
      assert.equal(await page.inputValue("[data-testid=simulate-form] [name=source]"), "ingress");
      assert.equal(await page.inputValue("[data-testid=simulate-form] [name=path]"), "/internal/x");
      assert.equal(await page.inputValue("[data-testid=simulate-form] [name=method]"), "GET");
      await page.waitForSelector("[data-testid=simulate-verdict]");
      assert.equal(await page.textContent("[data-testid=simulate-verdict]"), "Denied");
      await view(page, "routes");
      assert.equal(await page.inputValue("[data-testid=gateway-picker]"), link.gateway);
      await page.waitForSelector(`[data-testid=gateway-routes][data-gateway="${link.gateway}"]`);
    });
  });

  test("a link too large to open is refused, and the workspace goes by file instead", async () => {
    // 48 KB of random hex in comments: deflate cannot shrink it under the 32 KB link limit.
    const random = Array.from({ length: 600 }, (_, i) => `# ${i} ${Array.from({ length: 80 }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("")}`);
    const files = [
      { name: "noise.hcl", text: random.join("\n") + "\n" },
      { name: "svc.hcl", text: 'Kind = "service-defaults"\nName = "web"\nProtocol = "http"\n' },
    ];
    let saved;
    await withPage(async (page) => {
      await open(page);
      await page.evaluate((state) => localStorage.setItem("meshgate.playground.v1", JSON.stringify(state)), { files, settings: { datacenter: "big" } });
      await open(page);
      await page.click("[data-testid=share]");
      const notice = page.locator("[data-testid=notice]");
      await notice.waitFor();
      assert.match(await notice.textContent(), /too large to share as a link: the link would be \d+ KB, and links over 32 KB are refused/);
      assert.equal(await page.locator("[data-testid=share-link]").count(), 0);
      assert.equal(await page.evaluate(() => location.hash), "", "the URL holds no state it could not give back");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=share-download]")]);
      assert.equal(download.suggestedFilename(), "meshgate-workspace.json");
      saved = join(await mkdtemp(join(tmpdir(), "meshgate-")), "meshgate-workspace.json");
      await download.saveAs(saved);
      const file = JSON.parse(await readFile(saved, "utf8"));
      assert.equal(file.format, "meshgate-playground-workspace");
      assert.deepEqual(file.files, files);
      assert.equal(file.settings.datacenter, "big");
      // Back and Forward still work at this size: the history entry holds the workspace.
      await loadExample(page, "l7-intentions");
      await page.goBack();
      await page.waitForFunction(() => document.querySelector("[data-testid=file-tabs] [data-file='noise.hcl']"));
    });
    // Another browser opens the file.
    await withPage(async (page) => {
      await open(page);
      await rerendered(page, () => page.setInputFiles("[data-testid=workspace-upload]", saved));
      assert.deepEqual(await fileTabs(page), ["noise.hcl", "svc.hcl"]);
      assert.equal(await page.inputValue("[data-testid=setting-datacenter]"), "big");
    });
  });

  test("2,000 intentions over 100 files: timings recorded, views windowed", async () => {
    const files = bigWorkspace();
    await withPage(async (page) => {
      await page.addInitScript(() => {
        // The longest main-thread task (the browser reports tasks of 50 ms and more).
        window.__longest = 0;
        window.__longtasks = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            window.__longest = Math.max(window.__longest, e.duration);
            window.__longtasks += 1;
          }
        }).observe({ type: "longtask", buffered: true });
      });
      await open(page);
      await page.evaluate((state) => localStorage.setItem("meshgate.playground.v1", JSON.stringify(state)), { files, settings: {} });
      await page.goto(server.url);
      await settled(page);
      const load = await page.evaluate(() => ({
        firstView: performance.getEntriesByName("mg:first-view")[0]?.startTime,
        longest: window.__longest,
      }));
      assert.match(await page.textContent("[data-testid=status]"), /^valid · 101 files · 101 entries/);
      await page.evaluate(() => {
        window.__longest = 0;
        window.__longtasks = 0;
      });
      // Edits in three views: each time from the keystroke to the views showing it.
      const edits = [];
      for (const id of ["routes", "intentions", "simulate"]) {
        await view(page, id);
        await rerendered(page, async () => {
          await page.click("[data-testid=editor] .cm-content");
          await page.keyboard.press("Control+Home");
          await page.keyboard.type("# edit\n");
        });
        await page.waitForFunction(() => performance.getEntriesByName("mg:edit-to-view").length > 0);
        edits.push(await page.evaluate(() => {
          const all = performance.getEntriesByName("mg:edit-to-view");
          const last = all[all.length - 1].duration;
          performance.clearMeasures("mg:edit-to-view");
          return last;
        }));
      }
      const typing = await page.evaluate(() => ({ longest: window.__longest, count: window.__longtasks }));
      const planned = Number((await page.textContent("[data-testid=status]")).match(/planned in ([\d.]+) ms/)[1]);
      const record = {
        workspace: "2,000 intentions over 100 files (+ proxy-defaults)",
        machine: `${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} when recorded (other work slows every number)`,
        load_to_first_view_ms: Math.round(load.firstView),
        longest_task_during_load_ms: Math.round(load.longest),
        edit_to_view_ms: edits.map((e) => Math.round(e)),
        planner_ms: planned,
        longest_task_while_editing_ms: Math.round(typing.longest),
        long_tasks_while_editing: typing.count,
        note: "longest task 0 means no task reached 50 ms (the browser reports none shorter)",
      };
      timings.big_workspace = record;
      await writeFile(join(ARTIFACTS, "big-workspace-timings.json"), JSON.stringify(record, null, 2) + "\n");
      // The matrix (201 × 101) collapses to a windowed list of the 2,000 decided pairs.
      await view(page, "intentions");
      const pairs = page.locator("[data-testid=intention-pairs]");
      await pairs.waitFor();
      assert.equal(await pairs.getAttribute("data-total"), "2000");
      const drawn = await pairs.locator(".pair").count();
      assert.ok(drawn > 0 && drawn < 100, `only the rows on screen are drawn (${drawn})`);
      await pairs.evaluate((el) => (el.scrollTop = 30 * 1500));
      await page.waitForSelector('[data-testid=intention-pairs] .pair[data-index="1500"]');
      assert.match(await page.textContent("[data-testid=intention-list] caption"), /100 of 2000 shown/);
      await page.screenshot({ path: join(ARTIFACTS, "big-workspace-intentions.png") });
      // Filtering the sources draws the matrix: one source × 101 destinations.
      await page.fill("[data-testid=filter-source]", "client-007");
      await page.waitForSelector("[data-testid=intention-matrix]");
      assert.equal(await page.locator("[data-testid=intention-matrix] tbody tr").count(), 1);
      assert.equal(await cell(page, "client-007", "svc-001"), "allow");
      // The file list is filterable beyond a few dozen files.
      assert.ok(await page.locator("[data-testid=file-filter]").isVisible());
      await page.fill("[data-testid=file-filter]", "svc-04");
      assert.equal(await page.locator("[data-testid=file-tabs] [role=tab]:visible").count(), 11, "10 matches and the open file");
    });
  });

  test("dark mode: the system's choice, or the toggle's (kept); screenshots", async () => {
    await withPage(
      async (page) => {
        await open(page);
        const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const darkBg = await bg();
        assert.equal(darkBg, "rgb(20, 23, 31)", "prefers-color-scheme: dark gives the dark colours");
        assert.equal(await page.textContent("[data-testid=theme]"), "Theme: system");
        await loadExample(page, "discovery-chain");
        await view(page, "routes");
        await page.screenshot({ path: join(ARTIFACTS, "dark-routes.png") });
        await loadExample(page, "l7-intentions");
        await view(page, "intentions");
        await page.screenshot({ path: join(ARTIFACTS, "dark-intentions.png") });
        // The editor follows: its background is the dark field colour.
        assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".cm-editor")).backgroundColor), "rgb(18, 21, 28)");
        // Toggle: system → dark → light; light stays after a reload.
        await page.click("[data-testid=theme]");
        assert.equal(await page.textContent("[data-testid=theme]"), "Theme: dark");
        await page.click("[data-testid=theme]");
        assert.equal(await page.textContent("[data-testid=theme]"), "Theme: light");
        assert.equal(await bg(), "rgb(246, 247, 249)");
        await page.reload();
        await settled(page);
        assert.equal(await bg(), "rgb(246, 247, 249)", "the choice is kept");
        assert.equal(await page.textContent("[data-testid=theme]"), "Theme: light");
      },
      { colorScheme: "dark" },
    );
  });

  test("axe-core finds no serious or critical problem, in light and dark, in every view", async () => {
    const axe = await readFile(join(WEB, "node_modules", "axe-core", "axe.min.js"), "utf8");
    for (const colorScheme of ["light", "dark"]) {
      await withPage(
        async (page) => {
          await open(page);
          await loadExample(page, "demo");
          await page.addScriptTag({ content: axe });
          const problems = [];
          const audit = async (where) => {
            const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
            for (const v of result.violations) {
              if (v.impact === "serious" || v.impact === "critical") {
                problems.push(`${colorScheme} ${where}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
              }
            }
          };
          for (const id of ["routes", "upstreams", "intentions", "simulate", "envoy", "plan"]) {
            await view(page, id);
            if (id === "simulate") await simulate(page, { source: "web", destination: "api" });
            if (id === "envoy") await page.waitForSelector("[data-testid=envoy-json]");
            await audit(id);
          }
          // The Convert form, with its entry picker, a disabled button, its note and a refusal.
          await addFile(page, "two.hcl", 'config_entries {\n  bootstrap = [\n    { Kind = "service-defaults", Name = "x", Meta = { a = "b" } },\n    { Kind = "service-defaults", Name = "y" },\n  ]\n}\n');
          await page.click("[data-testid=file-convert]");
          await page.waitForSelector("#convert-entry-label:not([hidden])");
          await page.selectOption("[data-testid=convert-entry]", "x");
          await page.selectOption("[data-testid=convert-to]", "crd");
          await page.click("[data-testid=convert-new]");
          await page.locator("[data-testid=convert-error]").filter({ hasText: /Meta cannot be written/ }).waitFor();
          await audit("convert");
          assert.deepEqual(problems, []);
        },
        { colorScheme },
      );
    }
  });

  test("offline after the first visit: the service worker serves the page", async () => {
    const own = await serve();
    try {
      await withPage(async (page) => {
        await page.goto(own.url);
        await settled(page);
        await page.waitForFunction(() => document.body.dataset.offline === "ready");
        await loadExample(page, "l7-intentions");
        // The server goes away; the page still loads, plans and opens another example.
        await own.close();
        await page.reload();
        await settled(page);
        assert.match(await page.textContent("[data-testid=status]"), /^valid/);
        await loadExample(page, "mesh-gateway");
        assert.deepEqual(await fileTabs(page), examples.find((e) => e.id === "mesh-gateway").files.map((f) => f.split("/").pop()));
      });
    } finally {
      await own.close();
    }
  });

  test("a loading indicator shows until the planner is ready", async () => {
    await withPage(
      async (page) => {
        let release;
        const gate = new Promise((ok) => (release = ok));
        await page.route("**/*_bg.wasm", async (route) => {
          await gate;
          await route.continue();
        });
        await page.goto(server.url);
        const loading = page.locator("[data-testid=loading]");
        await loading.waitFor();
        assert.match(await loading.textContent(), /Loading the planner/);
        assert.equal(await page.getAttribute("#views", "aria-busy"), "true");
        release();
        await settled(page);
        assert.equal(await loading.isVisible(), false);
        assert.equal(await page.getAttribute("#views", "aria-busy"), null);
      },
      { serviceWorkers: "block" },
    );
  });

  test("keyboard: Esc then Tab leaves the editor; matrix cells simulate their pair; focus is always visible", async () => {
    await withPage(async (page) => {
      await open(page);
      await loadExample(page, "l7-intentions");
      assert.match(await page.textContent("#editor-hint"), /Esc.*then.*Tab/);
      await page.click("[data-testid=editor] .cm-content");
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("cm-content")), "Tab indents");
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => !document.activeElement?.closest(".cm-editor")), "Esc then Tab moves on");

      // The matrix is a grid: one tab stop, arrows move, Enter simulates the pair.
      await view(page, "intentions");
      await page.waitForSelector("[data-testid=intention-matrix]");
      const stops = await page.locator("[data-testid=intention-matrix] td[tabindex='0']").count();
      assert.equal(stops, 1);
      await page.focus("[data-testid=intention-matrix] td[tabindex='0']");
      const first = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
      await page.keyboard.press("ArrowRight");
      const second = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
      assert.notEqual(first, second);
      const [, source, destination] = /^[^:]*: (.+?) to (.+?)\. /.exec(second);
      const before = await page.evaluate(() => Number(document.body.dataset.simulations ?? 0));
      await page.keyboard.press("Enter");
      await page.waitForFunction((n) => Number(document.body.dataset.simulations ?? 0) > n, before);
      assert.ok(await page.locator("[data-testid=view-simulate]").isVisible());
      assert.equal(await page.inputValue("[data-testid=simulate-form] [name=source]"), source);
      assert.equal(await page.inputValue("[data-testid=simulate-form] [name=destination]"), destination);
      assert.ok(await page.locator("[data-testid=simulate-verdict]").isVisible());

      // Tab through the page from the top: every stop shows a focus ring.
      await page.focus("[data-testid=examples]");
      const missing = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        const seen = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const target = el.closest(".cm-editor") ?? (el.matches(".file-open input") ? el.parentElement : el);
          const style = getComputedStyle(target);
          const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
          return { ring, what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""}` };
        });
        if (seen && !seen.ring) missing.push(seen.what);
        if (await page.evaluate(() => document.activeElement?.classList.contains("cm-content"))) await page.keyboard.press("Escape");
      }
      assert.deepEqual([...new Set(missing)], [], "focus rings");
    });
  });

  test("keyboard: arrow keys move between view tabs; readable in a narrow window", async () => {
    await withPage(
      async (page) => {
        await open(page);
        await loadExample(page, "l7-intentions");
        await page.focus("[data-testid=view-tab-routes]");
        await page.keyboard.press("ArrowRight");
        assert.equal(await page.getAttribute("[data-testid=view-tab-upstreams]", "aria-selected"), "true");
        assert.ok(await page.locator("[data-testid=view-upstreams]").isVisible());
        await page.keyboard.press("End");
        assert.ok(await page.locator("[data-testid=view-plan]").isVisible());
        await page.keyboard.press("Home");
        assert.ok(await page.locator("[data-testid=view-routes]").isVisible());
        await page.keyboard.press("ArrowLeft");
        assert.ok(await page.locator("[data-testid=view-plan]").isVisible(), "wraps around");
        await page.click("[data-testid=view-tab-intentions]");
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 420px window`);
        await page.screenshot({ path: join(ARTIFACTS, "narrow.png"), fullPage: true });
      },
      { width: 420, height: 900 },
    );
  });

  test("a 41-node discovery chain draws without overlapping boxes", async () => {
    const n = 20;
    const subsets = Array.from({ length: n }, (_, i) => `v${i + 1}`);
    const files = [
      { name: "defaults.hcl", text: 'Kind = "proxy-defaults"\nName = "global"\nConfig {\n  protocol = "http"\n}\n' },
      {
        name: "split.json",
        text: JSON.stringify({ Kind: "service-splitter", Name: "big", Splits: subsets.map((v) => ({ Weight: 100 / n, ServiceSubset: v })) }, null, 2),
      },
      {
        name: "resolver.json",
        text: JSON.stringify(
          { Kind: "service-resolver", Name: "big", Subsets: Object.fromEntries(subsets.map((v) => [v, { Filter: `Service.Meta.version == ${v}` }])) },
          null,
          2,
        ),
      },
    ];
    await withPage(async (page) => {
      await open(page);
      await page.evaluate((state) => localStorage.setItem("meshgate.playground.v1", JSON.stringify(state)), { files, settings: {} });
      await page.goto(server.url);
      await settled(page);
      await view(page, "routes");
      const graph = page.locator('[data-chain="big"] [data-testid=chain-graph]');
      const boxes = await graph.locator(".node rect").evaluateAll((rects) =>
        rects.map((r) => {
          const b = r.getBoundingClientRect();
          return [b.left, b.top, b.right, b.bottom];
        }),
      );
      assert.equal(boxes.length, 1 + n + n);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
          assert.ok(!overlap, `boxes ${i} and ${j} overlap`);
        }
      }
      const labels = await graph.locator(".edge.split .edge-label").allTextContents();
      assert.deepEqual(labels, subsets.map(() => "5%"));
      // Text stays at its normal size: the graph scrolls rather than shrinking.
      const size = await graph.locator(".node .label").first().evaluate((t) => getComputedStyle(t).fontSize);
      assert.equal(size, "12.5px");
      await page.locator('[data-chain="big"]').screenshot({ path: join(ARTIFACTS, "view-routes-41-nodes.png") });
    });
  });

  // build.sh copies these examples from the repository; the shipped files must be those files.
  test("examples stay in step with examples/demo and the seed corpus", async () => {
    const { readdir } = await import("node:fs/promises");
    const onDisk = (await readdir(join(ROOT, "examples", "demo")))
      .filter((f) => /\.(hcl|json|ya?ml)$/.test(f))
      .sort();
    const demo = examples.find((e) => e.id === "demo");
    assert.deepEqual(demo.files.map((f) => f.replace(/^demo\//, "")).sort(), onDisk);
    // The seed examples are the corpus's seed files, verbatim (and so is instance-remote.hcl).
    for (const path of [...examples.find((e) => e.id === "seeds").files, "cross-datacenter/instance-remote.hcl"]) {
      const name = path.split("/").pop();
      const shipped = await readFile(join(DIST, "examples", path), "utf8");
      assert.equal(shipped, await readFile(join(ROOT, "tests", "corpus", "seeds", name), "utf8"), path);
    }
    // The gateway examples are route-table corpus cases, verbatim and whole.
    for (const id of ["mesh-gateway", "ingress-gateway", "api-gateway", "dataplane"]) {
      const corpus = join(ROOT, "tests", "corpus", "routes", id);
      const configs = (await readdir(corpus)).filter((f) => /\.(hcl|json|ya?ml)$/.test(f) && f !== "routes.json" && !f.startsWith("meshgate."));
      const example = examples.find((e) => e.id === id);
      assert.deepEqual(example.files.map((f) => f.replace(`${id}/`, "")).sort(), configs.sort(), id);
      for (const name of configs) {
        const shipped = await readFile(join(DIST, "examples", id, name), "utf8");
        assert.equal(shipped, await readFile(join(corpus, name), "utf8"), `${id}/${name}`);
      }
    }
  });

  test("the Plan view shows a gateway's GatewayPlan, with copy and download", async () => {
    await withPage(async (page) => {
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      await open(page);
      await loadExample(page, "ingress-gateway");
      await view(page, "plan");
      const options = await page.$$eval("[data-testid=plan-select] option", (os) => os.map((o) => [o.value, o.textContent]));
      assert.deepEqual(options, [
        ["", "Whole plan (meshgate plan)"],
        ["ingress-gateway", "GatewayPlan for ingress-gateway (ingress gateway)"],
        ["web-sidecar-proxy", "GatewayPlan for web-sidecar-proxy (sidecar)"],
        ["api-sidecar-proxy", "GatewayPlan for api-sidecar-proxy (sidecar)"],
        ["db-sidecar-proxy", "GatewayPlan for db-sidecar-proxy (sidecar)"],
      ]);
      const whole = JSON.parse(await page.textContent("[data-testid=plan-json]"));
      assert.equal(whole.gateways.length, 1);

      await page.selectOption("[data-testid=plan-select]", "ingress-gateway");
      await page.waitForSelector('[data-testid=plan-shown][data-plan="GatewayPlan ingress-gateway"]');
      const text = await page.textContent("[data-testid=plan-json]");
      const plan = JSON.parse(text);
      assert.equal(plan.version, 4);
      assert.equal(plan.gateway.name, "ingress-gateway");
      assert.equal(plan.gateway.kind, "ingress-gateway");
      assert.equal(plan.routes.kind, "ingress-gateway");
      assert.equal(plan.default_intention_policy, "allow");
      // GatewayPlan 4: intentions are 14 columns of `step, count` runs; the 5th names the destination.
      const { strings, columns } = plan.intentions;
      const destinations = [];
      let value = 0;
      for (let p = 0; p < columns[4].length; p += 2) {
        for (let k = 0; k < columns[4][p + 1]; k++) destinations.push(strings[(value += columns[4][p])]);
      }
      assert.deepEqual(destinations, ["api", "web"]);
      assert.match(await page.textContent("[data-testid=plan-hash]"), /^[0-9a-f]{16}$/);
      assert.match(await page.textContent("[data-testid=view-plan] .toolbar"), /meshgate plan --gateway ingress-gateway/);
      await page.screenshot({ path: join(ARTIFACTS, "view-plan-gateway.png") });

      // Copy puts exactly that JSON on the clipboard.
      await page.click("[data-testid=plan-copy]");
      await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.textContent === "Copied.");
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
      // Download saves it under the gateway's name.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=plan-download]")]);
      assert.equal(download.suggestedFilename(), "gatewayplan-ingress-gateway.json");
      assert.equal(await readFile(await download.path(), "utf8"), text + "\n");

      // A sidecar's GatewayPlan (its public listener's decisions), as `meshgate plan --gateway` prints it.
      await page.selectOption("[data-testid=plan-select]", "api-sidecar-proxy");
      await page.waitForSelector('[data-testid=plan-shown][data-plan="GatewayPlan api-sidecar-proxy"]');
      const sidecar = JSON.parse(await page.textContent("[data-testid=plan-json]"));
      assert.equal(sidecar.gateway.kind, "connect-proxy");
      assert.equal(sidecar.routes.kind, "sidecar");

      await page.selectOption("[data-testid=plan-select]", "ingress-gateway");
      await page.waitForSelector('[data-testid=plan-shown][data-plan="GatewayPlan ingress-gateway"]');
      // The choice stays while the files and settings change, and the plan follows them.
      await page.click("[data-testid=settings] summary");
      await rerendered(page, () => page.selectOption("[data-testid=setting-default-policy]", "deny"));
      await page.waitForFunction(() => /"default_intention_policy": "deny"/.test(document.querySelector("[data-testid=plan-json]")?.textContent ?? ""));
      assert.equal(await page.inputValue("[data-testid=plan-select]"), "ingress-gateway");
      // An error withholds it, as `meshgate plan` refuses.
      await rerendered(page, async () => {
        await page.click("[data-testid=editor] .cm-content");
        await page.keyboard.press("Control+End");
        await page.keyboard.insertText("\nBogusKey = 1\n");
      });
      await page.waitForSelector("[data-testid=plan-withheld]");
      assert.match(await page.textContent("[data-testid=plan-withheld]"), /1 error/);

      // Back to the whole plan; and a mesh gateway's plan in another example.
      await loadExample(page, "mesh-gateway");
      await view(page, "plan");
      assert.equal(await page.inputValue("[data-testid=plan-select]"), "");
      await page.selectOption("[data-testid=plan-select]", "mesh-gateway-dc2-a");
      await page.waitForSelector('[data-testid=plan-shown][data-plan="GatewayPlan mesh-gateway-dc2-a"]');
      const mesh = JSON.parse(await page.textContent("[data-testid=plan-json]"));
      assert.equal(mesh.version, 4);
      assert.equal(mesh.gateway.name, "mesh-gateway");
      assert.equal(mesh.gateway.key, "mesh-gateway-dc2-a");
      assert.equal(mesh.gateway.datacenter, "dc2");
      assert.deepEqual(mesh.intentions.columns.flat(), []);
      assert.equal(mesh.routes.routes[0].sni, "billing.default.dc2.internal.11111111-2222-3333-4444-555555555555.consul");
    });
  });

  test("the Envoy view generates a gateway's bootstrap, with copy and download", async () => {
    await withPage(async (page) => {
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      await open(page);
      await loadExample(page, "ingress-gateway");
      await view(page, "envoy");
      await page.waitForSelector('[data-testid=envoy-shown][data-gateway="ingress-gateway"]');
      const text = await page.textContent("[data-testid=envoy-json]");
      const bootstrap = JSON.parse(text);
      assert.equal(bootstrap.node.id, "meshgate-ingress-gateway");
      assert.equal(bootstrap.admin.address.socket_address.port_value, 19000);
      const ports = bootstrap.static_resources.listeners.map((l) => l.address.socket_address.port_value).sort();
      assert.deepEqual(ports, [5432, 8080]);
      assert.match(text, /"filename": "\/etc\/meshgate\/filter\.wasm"/);
      // The GatewayPlan rides inline, as the filter's configuration.
      assert.match(text, /\\"version\\":4,\\"gateway\\":\{\\"key\\":\\"ingress-gateway\\"/);
      assert.match(
        await page.textContent("[data-testid=envoy-command]"),
        /^meshgate envoy ingress-gateway\.hcl .* --gateway ingress-gateway --wasm \/etc\/meshgate\/filter\.wasm --cert-dir \/etc\/meshgate\/certs$/,
      );
      // The defaults show as placeholders.
      assert.equal(await page.getAttribute("[data-testid=envoy-admin-port]", "placeholder"), "19000");
      await page.screenshot({ path: join(ARTIFACTS, "view-envoy.png") });

      await page.click("[data-testid=envoy-copy]");
      await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.textContent === "Copied.");
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=envoy-download]")]);
      assert.equal(download.suggestedFilename(), "envoy-ingress-gateway.json");
      assert.equal(await readFile(await download.path(), "utf8"), text + "\n");

      // The form changes the bootstrap; a bad port says why.
      await page.fill("[data-testid=envoy-admin-port]", "9901");
      await page.waitForFunction(() => /"port_value": 9901/.test(document.querySelector("[data-testid=envoy-json]")?.textContent ?? ""));
      assert.match(await page.textContent("[data-testid=envoy-command]"), /--admin-port 9901$/);
      await page.fill("[data-testid=envoy-wasm]", "/opt/meshgate/filter.wasm");
      await page.waitForFunction(() => /\/opt\/meshgate\/filter\.wasm/.test(document.querySelector("[data-testid=envoy-json]")?.textContent ?? ""));
      await page.fill("[data-testid=envoy-admin-port]", "nope");
      await page.waitForSelector("[data-testid=envoy-withheld]");
      assert.match(await page.textContent("[data-testid=envoy-withheld]"), /admin port must be a number from 1 to 65535, not `nope`/);
      await page.fill("[data-testid=envoy-admin-port]", "");
      await page.waitForSelector("[data-testid=envoy-json]");

      // A sidecar's bootstrap is `meshgate envoy --sidecar`'s.
      await page.selectOption("[data-testid=envoy-gateway]", "web-sidecar-proxy");
      await page.waitForSelector('[data-testid=envoy-shown][data-gateway="web-sidecar-proxy"]');
      assert.match(await page.textContent("[data-testid=envoy-command]"), / --sidecar web-sidecar-proxy --wasm /);
      assert.match(await page.textContent("[data-testid=envoy-json]"), /\\"kind\\":\\"connect-proxy\\"/);

      // Another example, another gateway: a mesh gateway in dc2.
      await loadExample(page, "mesh-gateway");
      await view(page, "envoy");
      await page.waitForSelector('[data-testid=envoy-shown][data-gateway="mesh-gateway-dc1"]');
      await page.selectOption("[data-testid=envoy-gateway]", "mesh-gateway-dc2-a");
      await page.waitForSelector('[data-testid=envoy-shown][data-gateway="mesh-gateway-dc2-a"]');
      const mesh = JSON.parse(await page.textContent("[data-testid=envoy-json]"));
      assert.equal(mesh.node.id, "meshgate-mesh-gateway-dc2-a");
      assert.equal(mesh.static_resources.listeners[0].address.socket_address.address, "10.0.2.10");
      // The options typed in the form stay when other files are loaded.
      assert.equal(await page.inputValue("[data-testid=envoy-wasm]"), "/opt/meshgate/filter.wasm");

      // Edits reach the bootstrap while the view is open.
      await page.click("[data-testid=settings] summary");
      await rerendered(page, () => page.fill("[data-testid=setting-trust-domain]", "aaaaaaaa-0000-0000-0000-000000000009.consul"));
      await page.waitForFunction(() => /aaaaaaaa-0000-0000-0000-000000000009/.test(document.querySelector("[data-testid=envoy-json]")?.textContent ?? ""));
    });
  });

  test("the Routes view shows each route's TLS, timeout, retries, rewrite and JWT requirement; the Envoy view their config", async () => {
    // The route-table corpus case: an ingress listener with TLS (min TLSv1_3), a router with a
    // rewrite, a header, a timeout and retries, and api's intentions requiring an okta token.
    const dir = join(ROOT, "tests", "corpus", "routes", "route-security");
    const names = ["services.hcl", "entries.hcl", "ingress-gateway.hcl", "web-router.hcl", "okta.hcl", "api-intentions.hcl", "web-intentions.hcl"];
    const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), "utf8") })));
    await withPage(async (page) => {
      await openFiles(page, files);
      await view(page, "routes");
      // The only gateway (no sidecar): shown without a picker.
      const rows = await gatewayRows(page, "ingress");
      const api = rows.find((r) => r.includes("prefix /api/"));
      assert.ok(api, `no /api/ route among ${JSON.stringify(rows)}`);
      for (const want of ["rewrite prefix to /v2/", "set x-route=api", "timeout 5s", "retries 3 on connect-failure, 503"]) {
        assert.ok(api.includes(want), `the /api/ route lacks \`${want}\`: ${api}`);
      }
      const scope = '[data-testid=view-routes] [data-gateway="ingress"]';
      assert.deepEqual(
        await page.$$eval(`${scope} [data-testid=route-jwt]`, (els) => els.map((e) => e.textContent)),
        [
          "JWT for api (intention ingress → api): provider okta with role=admin",
          "JWT for api, permission 1 (path prefix /v2/, methods POST) (intention ingress → api): provider okta with scope=write",
        ],
      );
      const tls = await page.$$eval(`${scope} [data-testid=listener-tls] div`, (els) => els.map((e) => e.textContent));
      assert.deepEqual(tls, [
        "TLS, min TLSv1_3",
        "certificate <cert-dir>/ingress.pem",
        "per-host certificates from <cert-dir>/ingress/<host>.pem if present (`*` written `_`), chosen by SNI: www.example.com",
      ]);

      await view(page, "envoy");
      await page.waitForSelector('[data-testid=envoy-shown][data-gateway="ingress"]');
      const text = await page.textContent("[data-testid=envoy-json]");
      const bootstrap = JSON.parse(text);
      const listener = bootstrap.static_resources.listeners.find((l) => l.address.socket_address.port_value === 8443);
      const chain = listener.filter_chains.at(-1);
      const tlsContext = chain.transport_socket.typed_config.common_tls_context;
      assert.equal(tlsContext.tls_params.tls_minimum_protocol_version, "TLSv1_3");
      assert.equal(tlsContext.tls_certificates[0].certificate_chain.filename, "/etc/meshgate/certs/ingress.pem");
      const hcm = chain.filters.find((f) => f.name === "envoy.filters.network.http_connection_manager").typed_config;
      const jwt = hcm.http_filters.find((f) => f.name === "envoy.filters.http.jwt_authn");
      assert.ok(jwt, "no jwt_authn filter");
      assert.ok(jwt.typed_config.providers.okta, "jwt_authn has no okta provider");
      const routes = hcm.route_config.virtual_hosts.flatMap((v) => v.routes);
      const retried = routes.find((r) => r.route.retry_policy);
      assert.deepEqual(retried.route.retry_policy, { num_retries: 3, retriable_status_codes: [503], retry_on: "connect-failure,retriable-status-codes" });
      assert.equal(retried.route.timeout, "5s");
      // The rewrite and the header are the filter's: they ride in the inline GatewayPlan.
      assert.match(text, /\\"prefix_rewrite\\":\\"\/v2\/\\"/);
      assert.match(text, /\\"x-route\\":\\"api\\"/);
    });
  });

  test("gateway route tables read well in a narrow window", async () => {
    await withPage(
      async (page) => {
        await open(page);
        for (const id of ["api-gateway", "mesh-gateway"]) {
          await loadExample(page, id);
          await view(page, "routes");
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${id}: the page is ${overflow}px wider than a 420px window`);
          // What a narrow window shows of the route table: the rows stack, each cell under its title.
          await page.locator(`[data-testid=gateway-routes] [data-testid=gateway-route-table]`).first().scrollIntoViewIfNeeded();
          await page.evaluate(() => document.querySelector("[data-testid=gateways]").scrollIntoView());
          await page.screenshot({ path: join(ARTIFACTS, `narrow-routes-${id}.png`) });
        }
        for (const id of ["envoy", "plan"]) {
          await view(page, id);
          if (id === "plan") await page.selectOption("[data-testid=plan-select]", "mesh-gateway-dc3");
          await page.waitForSelector(`[data-testid=${id === "envoy" ? "envoy" : "plan"}-json]`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${id}: the page is ${overflow}px wider than a 420px window`);
        }
        await page.screenshot({ path: join(ARTIFACTS, "narrow-plan-gateway.png") });
      },
      { width: 420, height: 900 },
    );
  });

  test("a screenshot of each view", async () => {
    await withPage(async (page) => {
      await open(page);
      await loadExample(page, "discovery-chain");
      await view(page, "routes");
      await page.screenshot({ path: join(ARTIFACTS, "view-routes.png") });
      await page.locator('[data-chain="web"]').screenshot({ path: join(ARTIFACTS, "view-routes-graph.png") });
      for (const id of ["mesh-gateway", "ingress-gateway", "terminating-gateway", "api-gateway"]) {
        await loadExample(page, id);
        await view(page, "routes");
        await page.locator("[data-testid=gateways]").screenshot({ path: join(ARTIFACTS, `view-routes-${id}.png`) });
      }
      await loadExample(page, "gateway-modes");
      await view(page, "upstreams");
      await page.screenshot({ path: join(ARTIFACTS, "view-upstreams.png") });
      await loadExample(page, "shadowed-intention");
      await view(page, "intentions");
      await page.screenshot({ path: join(ARTIFACTS, "view-intentions-shadowed.png") });
      await view(page, "plan");
      const plan = JSON.parse(await page.textContent("[data-testid=plan-json]"));
      assert.equal(plan.version, 2);
      assert.equal(plan.intentions.length, 2);
      await page.screenshot({ path: join(ARTIFACTS, "view-plan.png") });
    });
  });
});
