// Measures save-to-reloaded-page for `cabrep serve`: opens the preview in headless Chromium
// (through the DevTools protocol), then N times rewrites the paper's title on disk and times
// how long the page takes to show the new title (the page is read every 2 ms, never reloaded by
// this script). For benches/ (a measurement, not a test).
//
//   node --experimental-websocket tests/tools/preview_latency.mjs URL PAPER.yaml "TITLE" N PROFILE_DIR
//
// Prints one JSON line: {"ms": [...], "median": M}. Exit 1 if a save was not shown in 15 s.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [url, paper, title, count, profile] = process.argv.slice(2);
if (!url || !paper || !title || !count || !profile) {
    console.error("usage: preview_latency.mjs URL PAPER.yaml TITLE N PROFILE_DIR");
    process.exit(2);
}
const browser = spawn(process.env.CHROMIUM || "chromium", [
    "--headless=new", "--remote-debugging-port=0", `--user-data-dir=${profile}`,
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "about:blank",
], { stdio: ["ignore", "ignore", "pipe"] });
browser.on("error", (e) => { console.error(`cannot start chromium: ${e.message}`); process.exit(3); });
const stop = (code) => { try { browser.kill("SIGKILL"); } catch {} process.exit(code); };
setTimeout(() => { console.error("gave up after 300 s"); stop(4); }, 300_000).unref();
const endpoint = await new Promise((resolve) => {
    let seen = "";
    browser.stderr.on("data", (chunk) => {
        seen += chunk;
        const m = seen.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) resolve(m[1]);
    });
});
const ws = new WebSocket(endpoint);
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("websocket")); });
let nextId = 1;
const pending = new Map();
ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && pending.has(msg.id)) {
        const { resolve, reject } = pending.get(msg.id);
        pending.delete(msg.id);
        msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    }
};
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }));
});
const { targetId } = await send("Target.createTarget", { url });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const shows = async (text) => {
    try {
        const r = await send("Runtime.evaluate", {
            expression: `document.title.includes(${JSON.stringify(text)})`, returnByValue: true,
        }, sessionId);
        return r.result.value === true;
    } catch {
        return false; // between documents
    }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (text) => {
    const start = performance.now();
    while (!(await shows(text))) {
        if (performance.now() - start > 15_000) return null;
        await sleep(2);
    }
    return performance.now() - start;
};
if ((await until(title)) === null) { console.error(`the page never showed ${title}`); stop(1); }
await sleep(500);
const ms = [];
let current = title;
for (let i = 0; i < Number(count); i++) {
    const next = `${title} (save ${i + 1})`;
    const text = readFileSync(paper, "utf8");
    if (!text.includes(current)) { console.error(`${current} not in ${paper}`); stop(1); }
    const saved = performance.now();
    writeFileSync(paper, text.replace(current, next));
    const waited = await until(next);
    if (waited === null) { console.error(`save ${i + 1} not shown in 15 s`); stop(1); }
    ms.push(Math.round(performance.now() - saved));
    current = next;
    await sleep(300); // the PDF and DOCX of the save are made after the page
}
const sorted = [...ms].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(JSON.stringify({ ms, median }));
ws.close();
stop(0);
