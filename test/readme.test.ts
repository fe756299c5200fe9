/**
 * The README's library program, run exactly as written there (`import ... from 'vrrp'` mapped to this
 * package), and its output compared with the output the README shows.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README has no code block after ${marker}`);
  return m[1];
}

test('the README library program runs and prints what the README says', async () => {
  const source = blockAfter('<!-- readme-example -->');
  const expected = blockAfter('<!-- readme-output -->').trimEnd().split('\n');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const lines: string[] = [];
  const fakeConsole = { log: (...a: unknown[]) => lines.push(a.join(' ')) };
  // The program's own `require`: 'vrrp' is this package's source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (m: string): unknown => (m === 'vrrp' ? require('../lib/index') : require(m));
  new Function('require', 'console', 'exports', 'module', js)(load, fakeConsole, {}, { exports: {} });
  const start = Date.now();
  while (lines.length < expected.length && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
  expect(lines).toEqual(expected);
}, 15_000);
