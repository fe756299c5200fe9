import fc from 'fast-check';
import { parseConfigText, parseTokens, tokenize, MAX_DEPTH, type ConfigNode } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { expectConfigError } from '../helpers/config-error';


const parse = (text: string): ConfigNode[] => parseTokens(tokenize(text, 'k.conf'));
type Shape = { kw: string; args: string[]; children?: Shape[] };
const shape = (nodes: ConfigNode[]): Shape[] =>
  nodes.map((n) => (n.children ? { kw: n.keyword, args: n.args.map((a) => a.text), children: shape(n.children) } : { kw: n.keyword, args: n.args.map((a) => a.text) }));

describe('parseTokens', () => {
  it('builds the block tree: args are the tokens on the keyword line', () => {
    const tree = parse('a 1 "two words"\nb {\n  c d\n  e { f }\n}\ng\n{\n h\n}\n');
    expect(shape(tree)).toEqual([
      { kw: 'a', args: ['1', 'two words'] },
      { kw: 'b', args: [], children: [{ kw: 'c', args: ['d'] }, { kw: 'e', args: [], children: [{ kw: 'f', args: [] }] }] },
      { kw: 'g', args: [], children: [{ kw: 'h', args: [] }] },
    ]);
    expect(tree[1].children?.[0].token).toMatchObject({ line: 3, col: 3 });
  });

  it('accepts an empty input and empty blocks', () => {
    expect(parse('')).toEqual([]);
    expect(shape(parse('x {}'))).toEqual([{ kw: 'x', args: [], children: [] }]);
  });

  it('refuses a stray closing brace', () => {
    expectConfigError(() => parse('a {\n}\n}\n'), 'k.conf', 3, 1, "unexpected '}' with no open block; remove it or add the missing '{'");
  });

  it('refuses an unclosed block, pointing at its opening brace', () => {
    expectConfigError(() => parse('vrrp_instance VI_1 {\n  state MASTER\n  authentication {\n  auth_type PASS\n}\n'), 'k.conf', 1, 20, "'{' opened here is never closed; add the matching '}'");
  });

  it('refuses a brace with no keyword', () => {
    expectConfigError(() => parse('a {\n  { b }\n}'), 'k.conf', 2, 3, "'{' must follow a keyword, e.g. `virtual_ipaddress {`; remove it or add the keyword");
  });

  it('refuses nesting deeper than MAX_DEPTH', () => {
    const deep = 'a {'.repeat(MAX_DEPTH + 1) + '}'.repeat(MAX_DEPTH + 1);
    expectConfigError(() => parse(deep), 'k.conf', 1, 3 * MAX_DEPTH + 3, `blocks nested more than ${MAX_DEPTH} deep; check the braces`);
    expect(() => parse('a {'.repeat(MAX_DEPTH) + '}'.repeat(MAX_DEPTH))).not.toThrow();
  });
});

describe('token soup', () => {
  const words = ['{', '}', '"', '#', '!', '\n', ' ', 'vrrp_instance', 'VI_1', 'global_defs', 'vrrp_script', 'vrrp_sync_group', 'group',
    'state', 'MASTER', 'BACKUP', 'interface', 'eth0', 'virtual_router_id', 'priority', 'advert_int', 'version', '0', '1', '2', '3', '255',
    '256', '0.5', '-3', 'virtual_ipaddress', '192.0.2.1', '192.0.2.1/24', '2001:db8::1', 'dev', 'label', 'authentication', 'auth_type',
    'PASS', 'AH', 'auth_pass', 'track_script', 'chk', 'weight', 'reverse', 'script', 'nopreempt', 'unicast_peer', 'track_file',
    'init_file', 'file', 'include', 'x.conf', 'notify_master', 'use_vmac', 'strict_mode', 'true', 'vrrp_track_file', 'timeout'];

  it('only ever yields a result or a ConfigError', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 80 }), fc.array(fc.constantFrom(' ', '\n', '\t'), { minLength: 80, maxLength: 80 }), (soup, seps) => {
        const text = soup.map((w, i) => w + seps[i]).join('');
        try {
          const r = parseConfigText(text, 'soup.conf');
          for (const w of r.warnings) expect(w.message.startsWith(`soup.conf:${w.line}:${w.col}: `)).toBe(true);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          expect(err.message.startsWith(`soup.conf:${err.line}:${err.col}: `)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('random characters only ever yield a result or a ConfigError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseConfigText(text, 'soup.conf');
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('structured instance soup only ever yields a result or a ConfigError', () => {
    const line = fc.tuple(fc.constantFrom(...words.slice(7)), fc.array(fc.constantFrom(...words.slice(7)), { maxLength: 3 })).map(([k, a]) => [k, ...a].join(' '));
    const blockArb = fc.array(line, { maxLength: 12 }).map((ls) => `vrrp_instance VI_1 {\n${ls.join('\n')}\n}\n`);
    fc.assert(
      fc.property(fc.array(blockArb, { maxLength: 3 }), fc.array(line, { maxLength: 5 }), (blocks, top) => {
        try {
          parseConfigText(`vrrp_script chk {\n script x\n}\n${blocks.join('')}${top.join('\n')}`, 'soup.conf');
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
