// Drives headless Chromium through the DevTools protocol for tests/it/preview.rs.
//
//   node --experimental-websocket tests/preview/drive.mjs URL PROFILE_DIR
//
// Opens URL in a new tab, then reads commands from standard input, one a line:
//   expect TEXT    waits (at most 15 s) until the page's title or text contains TEXT, never
//                  reloading it: prints `ok MS` (how long it took) or `timeout: <the page's text>`
//   lacks TEXT     the same, until the page no longer contains TEXT
//   quit           closes the browser and exits
// Prints `browser PID` once Chromium runs and `ready` once the page is open.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const [url, profile] = process.argv.slice(2);
if (!url || !profile) {
    console.error("usage: drive.mjs URL PROFILE_DIR");
    process.exit(2);
}
if (typeof WebSocket === "undefined") {
    console.error("no WebSocket client: run node with --experimental-websocket (Node 20 or later)");
    process.exit(2);
}

const browser = spawn(process.env.CHROMIUM || "chromium", [
    "--headless=new", "--remote-debugging-port=0", `--user-data-dir=${profile}`,
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "about:blank",
], { stdio: ["ignore", "ignore", "pipe"] });
browser.on("error", (e) => { console.error(`cannot start chromium: ${e.message}`); process.exit(3); });
const stop = (code) => { try { browser.kill("SIGKILL"); } catch {} process.exit(code); };
setTimeout(() => { console.error("gave up after 120 s"); stop(4); }, 120_000).unref();

const endpoint = await new Promise((resolve) => {
    let seen = "";
    const timer = setTimeout(() => { console.error(`no DevTools address from chromium in 20 s:\n${seen}`); stop(3); }, 20_000);
    browser.stderr.on("data", (chunk) => {
        seen += chunk;
        const m = seen.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
    });
});
console.log(`browser ${browser.pid}`);

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
const pageText = async () => {
    try {
        const r = await send("Runtime.evaluate", {
            expression: "document.title + '\\n' + (document.body ? document.body.innerText : '')", returnByValue: true,
        }, sessionId);
        return String(r.result.value ?? "");
    } catch {
        return ""; // between documents, while the page reloads
    }
};
console.log("ready");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for await (const line of createInterface({ input: process.stdin })) {
    if (line === "quit") break;
    const [command, ...words] = line.split(" ");
    if (command !== "expect" && command !== "lacks") { console.log(`unknown command: ${line}`); continue; }
    const want = words.join(" ");
    const start = Date.now();
    let text = "";
    for (;;) {
        text = await pageText();
        if (text.includes(want) === (command === "expect")) { console.log(`ok ${Date.now() - start}`); break; }
        if (Date.now() - start > 15_000) { console.log(`timeout: ${JSON.stringify(text.slice(0, 2000))}`); break; }
        await sleep(50);
    }
}
ws.close();
stop(0);
