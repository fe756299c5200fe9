/**
 * Test helper: runs a snippet against the TypeScript sources in a child Node process with a hard timeout.
 * For inputs that used to block or spin synchronously (a FIFO, /dev/zero, a quadratic scan): Jest's test
 * timeout cannot interrupt synchronous code, a killed child can.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Registers a require hook that transpiles .ts on the fly (typescript is a dev dependency). */
const PRELUDE = `
const ts = require(${JSON.stringify(require.resolve('typescript'))});
const fs = require('node:fs');
require.extensions['.ts'] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  m._compile(out.outputText, filename);
};
const lib = (p) => require(require('node:path').join(${JSON.stringify(ROOT)}, p));
`;

/** Result of `runIsolated`: `value` is what the snippet returned (JSON), or undefined when it did not finish. */
export interface Isolated {
  value: unknown;
  timedOut: boolean;
  stderr: string;
}

/**
 * Runs `body` (the body of a function with `lib(path)` to require a repository file) in a child process;
 * its return value comes back as JSON. The child is killed after `timeoutMs`.
 */
export function runIsolated(body: string, timeoutMs: number): Isolated {
  const script = `${PRELUDE}\nconst result = (() => {\n${body}\n})();\nprocess.stdout.write(JSON.stringify(result === undefined ? null : result));\n`;
  const r = spawnSync(process.execPath, ['-e', script], { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const timedOut = r.error !== undefined || r.signal !== null;
  return { value: !timedOut && r.status === 0 && r.stdout !== '' ? JSON.parse(r.stdout) : undefined, timedOut, stderr: r.stderr ?? '' };
}
