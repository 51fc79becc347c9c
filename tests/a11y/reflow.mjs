#!/usr/bin/env node
// The reflow gate (WCAG 1.4.10): loads HTML pages in Debian's headless Chromium in a window 320
// CSS px wide and checks that the page does not scroll sideways: the document is no wider than
// the window (`document.documentElement.scrollWidth <= 320`). A table may scroll inside its own
// container; the page may not.
//
//   node tests/a11y/reflow.mjs page.html [more.html …]
//
// For each page: copy it into a temporary folder with one script added before </body> that
// measures the page once it is laid out, and show it in a frame 320 px wide (headless Chromium
// makes no window narrower than 500 px) of a page into which the script writes the result
// (<pre id="reflow-result">); let Chromium load that and dump its DOM, then read the result back. Prints one line per page,
// naming the widest elements of a page that scrolls, and exits 1 if any page scrolls; exits 2
// if the gate itself cannot run (no Chromium, no result) — never a silent pass.
// CHROMIUM overrides the browser binary (default: `chromium`).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const WIDTH = 320;
const chromium = process.env.CHROMIUM || "chromium";

function fail(msg) {
  console.error(`reflow gate: ${msg}`);
  process.exit(2);
}

// Measures the page: the document's scroll width, the window's width, and the elements whose
// right edge lies beyond the window (the culprits of a sideways scroll), outermost first.
const measure = `
(function () {
  function put(obj) {
    var outer = window.parent.document;
    var pre = outer.createElement("pre");
    pre.id = "reflow-result";
    pre.textContent = JSON.stringify(obj);
    outer.body.appendChild(pre);
  }
  window.addEventListener("load", function () {
    var root = document.documentElement;
    var wide = [];
    document.querySelectorAll("body *").forEach(function (e) {
      var r = e.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && wide.length < 8) {
        var p = e.parentElement && e.parentElement.getBoundingClientRect();
        if (!p || p.right <= window.innerWidth + 0.5 || e.parentElement === document.body) {
          wide.push(e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " right=" + Math.round(r.right) +
            ": " + (e.textContent || "").trim().slice(0, 60));
        }
      }
    });
    put({ scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, wide: wide });
  });
})();
`;

function decodeEntities(s) {
  return s.replace(/&(lt|gt|quot|#39|apos|nbsp|amp);/g, (_, e) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: "\u00a0", amp: "&" })[e]);
}

function check(page) {
  const html = fs.readFileSync(page, "utf8");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cabrep-reflow-"));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "cabrep-reflow-profile-"));
  try {
    fs.writeFileSync(path.join(dir, "measure.js"), measure);
    const script = '<script src="measure.js"></script>';
    const injected = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, script + "</body>") : html + script;
    fs.writeFileSync(path.join(dir, "page.html"), injected);
    const copy = path.join(dir, "frame.html");
    fs.writeFileSync(copy, `<!DOCTYPE html><html lang="en"><head><title>reflow</title></head><body style="margin:0">` +
      `<iframe title="page" src="page.html" style="width:${WIDTH}px;height:800px;border:0;display:block"></iframe></body></html>`);
    const args = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--allow-file-access-from-files", `--user-data-dir=${profile}`,
      "--window-size=800,900", "--virtual-time-budget=10000", "--dump-dom", pathToFileURL(copy).href,
    ];
    const run = spawnSync(chromium, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 120000 });
    if (run.error) {
      fail(`cannot run \`${chromium}\` (${run.error.code || run.error.message}): install it with \`apt-get install chromium\` or set CHROMIUM`);
    }
    const m = /<pre id="reflow-result"[^>]*>([\s\S]*?)<\/pre>/.exec(run.stdout || "");
    if (!m) fail(`${page}: Chromium gave no measurement (exit ${run.status}).\n${(run.stderr || "").slice(-2000)}`);
    return JSON.parse(decodeEntities(m[1]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const pages = process.argv.slice(2);
if (pages.length === 0) fail("usage: node tests/a11y/reflow.mjs page.html [more.html …]");
let scrolling = 0;
for (const page of pages) {
  const r = check(page);
  if (r.innerWidth !== WIDTH) fail(`${page}: the window is ${r.innerWidth} px wide, not ${WIDTH}`);
  const ok = r.scrollWidth <= WIDTH;
  if (!ok) scrolling++;
  console.log(`${page}: ${ok ? "REFLOWS" : "SCROLLS"} at ${WIDTH} px (scrollWidth ${r.scrollWidth})`);
  if (!ok) for (const w of r.wide) console.log(`  too wide: ${w}`);
}
if (scrolling > 0) {
  console.error(`reflow gate: ${scrolling} page(s) scroll sideways at ${WIDTH} px`);
  process.exit(1);
}
console.log(`reflow gate: ${pages.length} page(s) reflow at ${WIDTH} px`);
