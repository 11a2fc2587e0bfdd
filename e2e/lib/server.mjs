// Starts `cocity demo` on a free port with a fresh database file, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const here = new URL('.', import.meta.url).pathname;

/** The binary under test: $COCITY_BIN, else target/debug/cocity of this repository. */
export function binaryPath() {
  const fromEnv = process.env.COCITY_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? resolve(here, '../../target');
  const bin = fromEnv ?? join(target, 'debug', 'cocity');
  if (!existsSync(bin)) {
    throw new Error(`cocity binary not found at ${bin}: build it with \`cargo build -p cocity\` (e2e/run.sh does)`);
  }
  return bin;
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * Runs `cocity demo --bind 127.0.0.1:<port> --db <tmp>/demo.db` and waits until /healthz
 * answers 200. Returns { baseUrl, output(), stop() }; output() is what the server printed
 * (the demo logins among it).
 */
export async function startDemo({ timeoutMs = 60_000 } = {}) {
  const bin = binaryPath();
  const dir = mkdtempSync(join(tmpdir(), 'cocity-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let out = '';
  const child = spawn(bin, ['demo', '--bind', `127.0.0.1:${port}`, '--db', join(dir, 'demo.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let exited = null;
  child.once('exit', (code, signal) => { exited = { code, signal }; });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`cocity demo exited early (${JSON.stringify(exited)}):\n${out}`);
    }
    try {
      const r = await fetch(`${baseUrl}/healthz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`cocity demo did not answer /healthz within ${timeoutMs} ms:\n${out}`);
    }
    await sleep(200);
  }

  return {
    baseUrl,
    dbPath: join(dir, 'demo.db'),
    output: () => out,
    async stop() {
      if (!exited) {
        const done = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        const killed = await Promise.race([done.then(() => false), sleep(10_000).then(() => true)]);
        if (killed) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
