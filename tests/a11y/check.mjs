#!/usr/bin/env node
// The accessibility gate: checks HTML pages with axe-core at WCAG 2.2 AA in Debian's headless
// Chromium, without a browser-driver library.
//
//   node tests/a11y/check.mjs page.html [more.html …]
//
// For each page: copy it into a temporary folder next to axe.min.js, add two scripts before
// </body> (axe itself, and one that runs it and writes the JSON result into
// <pre id="axe-result">), let Chromium load it with a virtual-time budget and dump the DOM, then
// read the result back. Prints every violation (rule, impact, help, the elements and why) and
// exits 1 if there is any; exits 2 if the gate itself cannot run (no Chromium, no axe-core, no
// result) — never a silent pass.
//
// Set-up: `apt-get install chromium` and `npm ci --prefix tests/a11y`. CHROMIUM overrides the
// browser binary (default: `chromium`).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const here = path.dirname(fileURLToPath(import.meta.url));
const axePath = path.join(here, "node_modules", "axe-core", "axe.min.js");
const chromium = process.env.CHROMIUM || "chromium";

function fail(msg) {
  console.error(`a11y gate: ${msg}`);
  process.exit(2);
}

const pages = process.argv.slice(2);
if (pages.length === 0) fail("usage: node tests/a11y/check.mjs page.html [more.html …]");
if (!fs.existsSync(axePath)) fail(`axe-core is not installed (${axePath} missing): run \`npm ci --prefix tests/a11y\``);
const axeVersion = JSON.parse(fs.readFileSync(path.join(here, "node_modules", "axe-core", "package.json"), "utf8")).version;

// The script that runs axe in the page and leaves its result in the DOM for --dump-dom.
const runner = `
(function () {
  function put(obj) {
    var pre = document.createElement("pre");
    pre.id = "axe-result";
    pre.textContent = JSON.stringify(obj);
    document.body.appendChild(pre);
  }
  axe.run(document, {
    runOnly: { type: "tag", values: ${JSON.stringify(TAGS)} },
    resultTypes: ["violations", "incomplete"]
  }).then(function (r) {
    function slim(list) {
      return list.map(function (v) {
        return { id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
          nodes: v.nodes.map(function (n) { return { target: n.target, html: n.html, summary: n.failureSummary }; }) };
      });
    }
    put({ engine: r.testEngine, violations: slim(r.violations), incomplete: slim(r.incomplete),
      passes: r.passes.map(function (p) { return p.id; }) });
  }).catch(function (e) { put({ error: String(e && e.stack || e) }); });
})();
`;

function decodeEntities(s) {
  return s.replace(/&(lt|gt|quot|#39|apos|nbsp|amp);/g, (_, e) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: "\u00a0", amp: "&" })[e]);
}

function check(page) {
  const html = fs.readFileSync(page, "utf8");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cabrep-a11y-"));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "cabrep-a11y-profile-"));
  try {
    fs.copyFileSync(axePath, path.join(dir, "axe.min.js"));
    fs.writeFileSync(path.join(dir, "run-axe.js"), runner);
    const scripts = '<script src="axe.min.js"></script><script src="run-axe.js"></script>';
    const injected = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, scripts + "</body>") : html + scripts;
    const copy = path.join(dir, "page.html");
    fs.writeFileSync(copy, injected);
    const args = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--disable-dev-shm-usage", `--user-data-dir=${profile}`,
      "--window-size=1280,1024", "--virtual-time-budget=10000", "--dump-dom", pathToFileURL(copy).href,
    ];
    const run = spawnSync(chromium, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 120000 });
    if (run.error) {
      fail(`cannot run \`${chromium}\` (${run.error.code || run.error.message}): install it with \`apt-get install chromium\` or set CHROMIUM`);
    }
    const m = /<pre id="axe-result">([\s\S]*?)<\/pre>/.exec(run.stdout || "");
    if (!m) {
      fail(`${page}: Chromium gave no axe result (exit ${run.status}).\n${(run.stderr || "").slice(-2000)}`);
    }
    const result = JSON.parse(decodeEntities(m[1]));
    if (result.error) fail(`${page}: axe failed in the page: ${result.error}`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

let violations = 0;
for (const page of pages) {
  const r = check(page);
  const n = r.violations.reduce((a, v) => a + v.nodes.length, 0);
  violations += n;
  console.log(`${page}: axe-core ${r.engine?.version ?? axeVersion} (${TAGS.join(", ")}): ` +
    `${r.violations.length} rule(s) violated on ${n} element(s); ${r.passes.length} rules passed; ` +
    `${r.incomplete.length} need review`);
  for (const v of r.violations) {
    console.log(`  VIOLATION ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      console.log(`    at ${node.target.join(" ")}: ${node.html.slice(0, 200)}`);
      if (node.summary) console.log("      " + node.summary.replace(/\n/g, "\n      "));
    }
  }
  for (const v of r.incomplete) {
    console.log(`  review: ${v.id} (${v.help}) on ${v.nodes.length} element(s)` +
      (process.env.A11Y_VERBOSE ? ": " + v.nodes.map((x) => x.target.join(" ")).join(", ") : ""));
  }
}
if (violations > 0) {
  console.error(`a11y gate: ${violations} violation(s) of WCAG 2.2 AA`);
  process.exit(1);
}
console.log(`a11y gate: ${pages.length} page(s), no violations`);
