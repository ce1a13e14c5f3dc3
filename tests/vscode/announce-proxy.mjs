// A stand-in for the gitinspector-lsp binary in the end-to-end tests: runs the
// real daemon and passes every message through unchanged, except that when
// the file named by GITINSPECTOR_TEST_ANNOUNCE exists at `initialize`, its
// JSON object replaces keys of the defaults the daemon announces
// (capabilities.experimental.gitinspector.defaults). The tests use it to make
// the daemon announce other defaults than the usual ones, and check that the
// extension's own texts follow the announcement.
// Usage: node announce-proxy.mjs DAEMON [ARGS...]

import { spawn } from "node:child_process";
import fs from "node:fs";

const [daemonPath, ...args] = process.argv.slice(2);
const announceFile = process.env.GITINSPECTOR_TEST_ANNOUNCE;
const daemon = spawn(daemonPath, args, { stdio: ["pipe", "pipe", "inherit"] });

process.stdin.pipe(daemon.stdin);
daemon.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.stdin.on("end", () => daemon.stdin.end());

/** A response to `initialize` with the announced defaults replaced as the file says. */
function rewrite(message) {
  const defaults = message?.result?.capabilities?.experimental?.gitinspector?.defaults;
  if (!defaults || !announceFile || !fs.existsSync(announceFile)) {
    return message;
  }
  Object.assign(defaults, JSON.parse(fs.readFileSync(announceFile, "utf8")));
  return message;
}

// Content-Length framing of the daemon's output: pass each frame on, the
// initialize response rewritten.
let buffer = Buffer.alloc(0);
let seenInitialize = false;
daemon.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString("latin1");
    const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
    if (!Number.isFinite(length) || buffer.length < end + 4 + length) return;
    let body = buffer.subarray(end + 4, end + 4 + length);
    buffer = buffer.subarray(end + 4 + length);
    if (!seenInitialize) {
      const message = JSON.parse(body.toString("utf8"));
      if (message.id !== undefined && message.result?.capabilities) {
        seenInitialize = true;
        body = Buffer.from(JSON.stringify(rewrite(message)), "utf8");
      }
    }
    process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
    process.stdout.write(body);
  }
});
