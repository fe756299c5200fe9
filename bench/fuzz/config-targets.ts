/**
 * Fuzz targets of lib/config: the lexer (tokenize, then the parser's block tree) and the whole reading of a
 * configuration (parseConfig through memoryIO with an include graph: nested, globbed, cyclic and missing
 * includes; then checkRunnable, `vrrpd -t`'s check, and the node core built from it as the daemon's start
 * would). Inputs are piece-level mutations of real configurations (test/config/fixtures, the sample configs in
 * test/fuzz/corpus, keepalived's samples in fixtures/keepalived-samples and the installed package's, and texts made by the LAN benchmarks' config
 * builders), plus rare huge and deep inputs. Anything thrown must be a ConfigError; whatever checkRunnable
 * accepts, the node core must accept too.
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkRunnable, memoryIO, parseConfig, parseTokens, tokenize } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { nodeSpecOf } from '../../lib/node/from-config';
import { VrrpNode } from '../../lib/node/node';
import { confText, globalDefs, manyVrs } from '../lan/configs';
import { mutateText, oneIn, textExcerpt, textMutations, TextMutation } from './mutate';
import { check, FuzzTarget, typedCode } from './target';

/** The repository root, from bench/fuzz (ts-jest) or dist/bench/fuzz (built). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

const KEEPALIVED_SAMPLES = '/usr/share/doc/keepalived/samples';

/** The seed configurations: name and text. Sorted by name, so a seed index means the same file everywhere. */
export function configCorpus(): Array<{ name: string; text: string }> {
  const root = repoRoot();
  const out: Array<{ name: string; text: string }> = [];
  const addDir = (dir: string, filter: (f: string) => boolean): void => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir).filter(filter).sort()) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      if (text.length < 200_000) out.push({ name: path.join(dir, f), text });
    }
  };
  addDir(path.join(root, 'test', 'config', 'fixtures'), (f) => f.endsWith('.conf'));
  addDir(path.join(root, 'test', 'fuzz', 'corpus'), (f) => f.endsWith('.conf'));
  out.push({ name: 'bench/lan/configs: 4 v4+v6 instances on 2 interfaces', text: confText(manyVrs({ ifnames: ['eth0', 'eth1'], count: 4, families: [4, 6], priority: 100, intervalS: 1 }), '  vrrp_strict\n') });
  out.push({ name: 'bench/lan/configs: global_defs only', text: globalDefs() });
  // keepalived's VRRP samples kept in the repository (the same seeds everywhere), then the installed package's
  // others when it is there (CI installs it).
  const kept = path.join(root, 'fixtures', 'keepalived-samples');
  addDir(kept, (f) => f.startsWith('keepalived.conf'));
  addDir(KEEPALIVED_SAMPLES, (f) => f.startsWith('keepalived.conf') && !existsSync(path.join(kept, f)));
  return out;
}

let corpus: Array<{ name: string; text: string }> | null = null;
const seeds = (): Array<{ name: string; text: string }> => (corpus ??= configCorpus());

/** A huge or deep input, rare in the mix. */
type Huge =
  | { kind: 'deep'; depth: number }
  | { kind: 'long-word'; length: number }
  | { kind: 'many-instances'; count: number }
  | { kind: 'long-line'; words: number }
  | { kind: 'many-vips'; count: number };

const hugeArb: fc.Arbitrary<Huge> = fc.oneof(
  fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant('long-word' as const), length: fc.integer({ min: 1, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('many-instances' as const), count: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('long-line' as const), words: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ kind: fc.constant('many-vips' as const), count: fc.integer({ min: 1, max: 2000 }) }),
);

/** One input in HUGE_FREQ is huge or deep (a huge one costs 10-200 ms, a mutated real config well under 1 ms). */
const HUGE_FREQ = 1000;

function hugeText(h: Huge, base: string): string {
  switch (h.kind) {
    case 'deep':
      return `${base}\n${'x {\n'.repeat(h.depth)}${'}\n'.repeat(h.depth)}`;
    case 'long-word':
      return `${base}\nglobal_defs {\n  router_id ${'r'.repeat(h.length)}\n}\n`;
    case 'many-instances':
      return confText(manyVrs({ ifnames: ['eth0', 'eth1'], count: h.count, families: [4, 6], priority: 100, intervalS: 1 }));
    case 'long-line':
      return `${base}\nvrrp_script s {\n  script "${'a '.repeat(h.words)}"\n}\n${'w '.repeat(h.words)}\n`;
    case 'many-vips':
      return `vrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n${Array.from({ length: h.count }, (_, i) => `  198.51.${(i >> 8) & 255}.${i & 255}\n`).join('')} }\n}\n`;
    default: {
      const never: never = h;
      throw new Error(`unhandled ${String(never)}`);
    }
  }
}

/** Include statements a mutated file may gain (relative, absolute, globbed, cyclic, missing, escaping). */
const INCLUDES = [
  'include part0.conf', 'include part1.conf', 'include conf.d/*.conf', 'include conf.d/[ab]*.conf', 'include /etc/k/main.conf', 'include main.conf',
  'include ../k/part?.conf', 'include missing.conf', 'include /etc/k/conf.d', 'include "conf.d/a b.conf"', 'include', 'include *', 'include /etc/k/*/*.conf',
];

/** Input of the config targets. */
export interface ConfigInput {
  seed: number;
  mutations: TextMutation[];
  /** Included files: each a seed (mutated) with include lines. */
  parts: Array<{ seed: number; mutations: TextMutation[]; includes: number[] }>;
  mainIncludes: number[];
  huge: Huge | null;
}

const PART_PATHS = ['/etc/k/part0.conf', '/etc/k/part1.conf', '/etc/k/conf.d/a.conf', '/etc/k/conf.d/b.conf', '/etc/k/conf.d/a b.conf'];

/** The files of an input: path -> text; the main file is /etc/k/main.conf. */
export function filesOf(x: ConfigInput): Record<string, string> {
  const s = seeds();
  const withIncludes = (text: string, inc: number[]): string => [text, ...inc.map((i) => INCLUDES[i % INCLUDES.length])].join('\n');
  let main = withIncludes(mutateText(s[x.seed % s.length].text, x.mutations), x.mainIncludes);
  if (x.huge) main = hugeText(x.huge, main);
  const files: Record<string, string> = { '/etc/k/main.conf': main };
  x.parts.forEach((p, i) => {
    files[PART_PATHS[i % PART_PATHS.length]] = withIncludes(mutateText(s[p.seed % s.length].text, p.mutations).slice(0, 20_000), p.includes);
  });
  return files;
}

export const configInputArb = (): fc.Arbitrary<ConfigInput> =>
  fc.record({
    seed: fc.nat(),
    mutations: textMutations(6),
    parts: fc.oneof({ weight: 3, arbitrary: fc.constant([] as ConfigInput['parts']) }, { weight: 1, arbitrary: fc.array(fc.record({ seed: fc.nat(), mutations: textMutations(3), includes: fc.array(fc.nat(), { maxLength: 2 }) }), { maxLength: 4 }) }),
    mainIncludes: fc.oneof({ weight: 3, arbitrary: fc.constant([] as number[]) }, { weight: 1, arbitrary: fc.array(fc.nat(), { maxLength: 3 }) }),
    huge: oneIn(HUGE_FREQ, hugeArb),
  });

function checkLocated(e: unknown): string {
  const code = typedCode(e);
  if (e instanceof ConfigError) check(Number.isInteger(e.line) && e.line >= 1 && Number.isInteger(e.col) && e.col >= 1, () => `ConfigError at ${e.line}:${e.col}`);
  return code;
}

export const lexerTarget: FuzzTarget<ConfigInput> = {
  name: 'config-lexer',
  what: 'lib/config tokenize + parseTokens (block tree) on mutated real keepalived.conf texts, rare huge and deep ones',
  arbitrary: configInputArb,
  run(x) {
    const text = filesOf(x)['/etc/k/main.conf'];
    try {
      const tokens = tokenize(text, 'k.conf');
      for (const t of tokens) check(t.line >= 1 && t.col >= 1, () => `token ${JSON.stringify(t.text)} at ${t.line}:${t.col}`);
      parseTokens(tokens);
      return 'ok';
    } catch (e) {
      return checkLocated(e);
    }
  },
  size: (x) => filesOf(x)['/etc/k/main.conf'].length,
  excerpt: (x) => `seed ${x.seed % seeds().length}${x.huge ? ` huge ${JSON.stringify(x.huge)}` : ''} ${textExcerpt(filesOf(x)['/etc/k/main.conf'])}`,
};

export const configTarget: FuzzTarget<ConfigInput> = {
  name: 'config',
  what: 'lib/config parseConfig (memoryIO include graphs) + checkRunnable + the node core built from the result, on mutated real configs',
  arbitrary: configInputArb,
  run(x) {
    const files = filesOf(x);
    let result;
    try {
      result = parseConfig('/etc/k/main.conf', memoryIO(files));
      checkRunnable(result.config, '/etc/k/main.conf');
    } catch (e) {
      return checkLocated(e);
    }
    // `vrrpd -t` said OK: the daemon's own construction of the node must not refuse it.
    const sources = new Map(result.config.instances.map((i) => [i.name, i.unicastSrcIp ?? i.mcastSrcIp ?? (i.family === 4 ? '192.0.2.1' : 'fe80::1')]));
    new VrrpNode(nodeSpecOf(result.config, sources));
    return 'ok';
  },
  size: (x) => Object.values(filesOf(x)).reduce((n, t) => n + t.length, 0),
  excerpt: (x) => {
    const files = filesOf(x);
    return `${Object.keys(files).length} file(s), seed ${x.seed % seeds().length}${x.huge ? ` huge ${JSON.stringify(x.huge)}` : ''} ${textExcerpt(files['/etc/k/main.conf'])}`;
  },
};
