import { lexConfig, memoryIO, parseConfig, tokenize, type ConfigWarning } from '../../lib/config';
import { expectConfigError } from '../helpers/config-error';


const texts = (tokens: { text: string }[]): string[] => tokens.map((t) => t.text);

describe('tokenize', () => {
  it('gives words, braces and strings with 1-based line and column', () => {
    const tokens = tokenize('vrrp_instance VI_1 {\n  state MASTER\n}\n', 'k.conf');
    expect(tokens.map((t) => [t.kind, t.text, t.line, t.col])).toEqual([
      ['word', 'vrrp_instance', 1, 1],
      ['word', 'VI_1', 1, 15],
      ['open', '{', 1, 20],
      ['word', 'state', 2, 3],
      ['word', 'MASTER', 2, 9],
      ['close', '}', 3, 1],
    ]);
    expect(tokens.every((t) => t.file === 'k.conf')).toBe(true);
  });

  it('keeps spaces inside quoted strings and counts columns after them', () => {
    const tokens = tokenize('script "/bin/check --port 80" x', 'k.conf');
    expect(tokens.map((t) => [t.kind, t.text, t.col])).toEqual([
      ['word', 'script', 1],
      ['string', '/bin/check --port 80', 8],
      ['word', 'x', 31],
    ]);
  });

  it('drops comments started by # or ! anywhere outside quotes', () => {
    const tokens = tokenize('! header\na b # tail\nc!bang\n"#not" "!not"\n\tx # 注释', 'k.conf');
    expect(texts(tokens)).toEqual(['a', 'b', 'c', '#not', '!not', 'x']);
  });

  it('splits braces glued to words', () => {
    expect(texts(tokenize('virtual_ipaddress{192.0.2.1}', 'k.conf'))).toEqual(['virtual_ipaddress', '{', '192.0.2.1', '}']);
  });

  it('refuses an unterminated quoted string', () => {
    expectConfigError(() => tokenize('a\n  script "/bin/x\n', 'k.conf'), 'k.conf', 2, 10, 'unterminated quoted string; add the closing " on the same line');
    expectConfigError(() => tokenize('x "abc', 'k.conf'), 'k.conf', 1, 3, 'unterminated quoted string; add the closing " on the same line');
  });
});

describe('include', () => {
  const files = {
    '/etc/keepalived/keepalived.conf': 'global_defs {\n  router_id r1\n}\ninclude conf.d/*.conf\ninclude "extra/one.conf"\n',
    '/etc/keepalived/conf.d/b.conf': 'b_kw\n',
    '/etc/keepalived/conf.d/a.conf': 'a_kw\ninclude ../extra/nested.conf\n',
    '/etc/keepalived/conf.d/.hidden.conf': 'hidden\n',
    '/etc/keepalived/conf.d/c.txt': 'txt\n',
    '/etc/keepalived/extra/one.conf': 'one\n',
    '/etc/keepalived/extra/nested.conf': 'nested\n',
  };

  it('expands relative globs in sorted order, relative to the including file', () => {
    const warnings: ConfigWarning[] = [];
    const tokens = lexConfig('/etc/keepalived/keepalived.conf', memoryIO(files), (w) => warnings.push(w));
    expect(texts(tokens)).toEqual(['global_defs', '{', 'router_id', 'r1', '}', 'a_kw', 'nested', 'b_kw', 'one']);
    const nested = tokens.find((t) => t.text === 'nested');
    expect(nested).toMatchObject({ file: '/etc/keepalived/extra/nested.conf', line: 1, col: 1 });
    expect(warnings).toEqual([]);
  });

  it('warns when a glob matches nothing', () => {
    const warnings: ConfigWarning[] = [];
    lexConfig('/k.conf', memoryIO({ '/k.conf': 'x\ninclude none/*.conf\n' }), (w) => warnings.push(w));
    expect(warnings).toEqual([{ file: '/k.conf', line: 2, col: 1, message: '/k.conf:2:1: include none/*.conf matches no file; nothing included' }]);
  });

  it('detects include cycles', () => {
    const io = memoryIO({ '/a.conf': 'x\ninclude b.conf\n', '/b.conf': '\n\n  include a.conf\n' });
    expectConfigError(() => lexConfig('/a.conf', io, () => undefined), '/b.conf', 3, 11, 'include cycle: /a.conf -> /b.conf -> /a.conf; remove this include');
    const self = memoryIO({ '/s.conf': 'include ?.conf\n' });
    expectConfigError(() => lexConfig('/s.conf', self, () => undefined), '/s.conf', 1, 9, 'include cycle: /s.conf -> /s.conf; remove this include');
  });

  it('names the including line when an included file cannot be read', () => {
    const io = memoryIO({ '/k.conf': 'include missing.conf\n' });
    expectConfigError(() => lexConfig('/k.conf', io, () => undefined), '/k.conf', 1, 9, 'cannot read included file /missing.conf (no such file); fix the include path');
    expectConfigError(() => parseConfig('/none.conf', io), '/none.conf', 1, 1, 'cannot read configuration file (no such file)');
  });

  it('refuses wildcards outside the last component and an include without a name', () => {
    const io = memoryIO({ '/k.conf': 'include d*/x.conf\n', '/n.conf': 'include\nfoo\n' });
    expectConfigError(() => lexConfig('/k.conf', io, () => undefined), '/k.conf', 1, 9, 'include d*/x.conf: wildcards are supported in the last path component only; list the directories explicitly');
    expectConfigError(() => lexConfig('/n.conf', io, () => undefined), '/n.conf', 1, 1, 'include needs a file name or glob on the same line, e.g. `include conf.d/*.conf`');
  });

  it('treats include as a plain word when it is not first on its line', () => {
    const tokens = lexConfig('/k.conf', memoryIO({ '/k.conf': 'notify include x\n' }), () => undefined);
    expect(texts(tokens)).toEqual(['notify', 'include', 'x']);
  });
});
