/**
 * The README's keyword table against the parser: every keyword the parser reads but warns it does not act
 * on (`later(...)` / `w.notYet(...)` in lib/config) is in a "warned" row of the table, and every keyword
 * of an "implemented" row is one the parser reads without such a warning.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** Keywords whose `case` in lib/config ends in a not-acted-on warning. */
function notActedOn(): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(path.join(root, 'lib/config')).filter((x) => x.endsWith('.ts'))) {
    let cases: string[] = [];
    for (const line of readFileSync(path.join(root, 'lib/config', f), 'utf8').split('\n')) {
      const c = [...line.matchAll(/case '([a-z0-9_]+)':/g)].map((m) => m[1]);
      if (c.length > 0) cases = c;
      if (/\blater\(|\bw\.notYet\(/.test(line) && !/const later|notYet\(at/.test(line)) for (const k of cases) out.add(k);
    }
  }
  return out;
}

/** The table rows: keywords (the backquoted words of the first cell) and the second cell. */
function rows(): Array<{ keywords: string[]; text: string }> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### keepalived.conf keywords'));
  return table.split('\n').filter((l) => l.startsWith('| `')).map((l) => {
    const [, first, second] = l.split(' | ').length >= 2 ? ['', l.slice(2, l.indexOf(' | ')), l.slice(l.indexOf(' | ') + 3)] : ['', '', ''];
    return { keywords: [...first.matchAll(/`([a-z0-9_]+)/g)].map((m) => m[1]), text: second };
  });
}

test('the README keyword table names every keyword vrrpd reads but does not act on as warned, none as implemented', () => {
  const warned = notActedOn();
  expect(warned.size).toBeGreaterThan(0);
  const table = rows();
  expect(table.length).toBeGreaterThan(10);
  const warnedRows = new Set(table.filter((r) => /^(warned|refused)/.test(r.text)).flatMap((r) => r.keywords));
  const implementedRows = new Set(table.filter((r) => /^(implemented|always on)/.test(r.text)).flatMap((r) => r.keywords));
  expect([...warned].filter((k) => !warnedRows.has(k)).sort()).toEqual([]);
  // A keyword can be implemented in one place and warned in another (notify_deleted in a sync group).
  const both = new Set(['notify_deleted', 'use_vmac']);
  expect([...warned].filter((k) => implementedRows.has(k) && !both.has(k)).sort()).toEqual([]);
});
