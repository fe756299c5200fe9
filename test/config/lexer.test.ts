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

  it('a missing file under plain include is a warning (keepalived 2.2.7: "Config files missing", exit 0); includea/includer/includem make it an error', () => {
    const warnings: ConfigWarning[] = [];
    const io = memoryIO({ '/k.conf': 'include missing.conf\nx\n', '/a.conf': 'includea missing.conf\n', '/r.conf': 'includer missing.conf\n', '/m.conf': 'includem missing.conf\n' });
    expect(texts(lexConfig('/k.conf', io, (w) => warnings.push(w)))).toEqual(['x']);
    expect(warnings.map((w) => w.message)).toEqual(["/k.conf:1:9: included file /missing.conf does not exist; nothing included (keepalived's plain `include` skips a missing file; use `includea` to make it an error)"]);
    expectConfigError(() => lexConfig('/a.conf', io, () => undefined), '/a.conf', 1, 10, 'cannot read included file /missing.conf (no such file); fix the include path');
    expectConfigError(() => lexConfig('/r.conf', io, () => undefined), '/r.conf', 1, 10, 'cannot read included file /missing.conf (no such file); fix the include path');
    expectConfigError(() => lexConfig('/m.conf', io, () => undefined), '/m.conf', 1, 10, 'cannot read included file /missing.conf (no such file); fix the include path');
    expectConfigError(() => parseConfig('/none.conf', io), '/none.conf', 1, 1, 'cannot read configuration file (no such file)');
  });

  it('includew makes a wildcard that matches nothing an error', () => {
    expectConfigError(() => lexConfig('/w.conf', memoryIO({ '/w.conf': 'includew none/*.conf\n' }), () => undefined), '/w.conf', 1, 10,
      'includew none/*.conf matches no file; add the file or use `include` to allow none');
  });

  it('globs in any path component, [..] classes and {a,b} brace alternatives, as glob(3); an include without a name is an error', () => {
    const io = memoryIO({
      '/k.conf': 'include d*/x.conf\ninclude {one,two}.conf\ninclude n[0-9].conf\n', '/d1/x.conf': 'd1', '/d2/x.conf': 'd2', '/e/x.conf': 'e',
      '/one.conf': 'one', '/two.conf': 'two', '/n1.conf': 'n1', '/na.conf': 'na', '/n.conf': 'include\nfoo\n',
    });
    expect(texts(lexConfig('/k.conf', io, () => undefined))).toEqual(['d1', 'd2', 'one', 'two', 'n1']);
    expectConfigError(() => lexConfig('/n.conf', io, () => undefined), '/n.conf', 1, 1, 'include needs a file name or glob on the same line, e.g. `include conf.d/*.conf`');
  });

  it('treats include as a plain word when it is not first on its line', () => {
    const tokens = lexConfig('/k.conf', memoryIO({ '/k.conf': 'notify include x\n' }), () => undefined);
    expect(texts(tokens)).toEqual(['notify', 'include', 'x']);
  });
});

describe('keepalived parameter substitution and conditional lines (keepalived.conf(5) ADVANCED CONFIGURATION)', () => {
  const lex = (text: string, configId?: string, others: Record<string, string> = {}): string[] =>
    texts(lexConfig('/etc/k.conf', memoryIO({ ...others, '/etc/k.conf': text }), () => undefined, configId === undefined ? {} : { configId }));

  it('@ID keeps a line only for that config id, @^ID only for the others', () => {
    const text = 'global_defs {\n  @main router_id main_router\n  @backup router_id backup_router\n}\nx {\n  @^main 1.2.3.4\n  @^backup 1.2.3.5\n}\n';
    expect(lex(text, 'main')).toEqual(['global_defs', '{', 'router_id', 'main_router', '}', 'x', '{', '1.2.3.5', '}']);
    expect(lex(text, 'backup')).toEqual(['global_defs', '{', 'router_id', 'backup_router', '}', 'x', '{', '1.2.3.4', '}']);
    expect(lex(text)).toEqual(['global_defs', '{', '}', 'x', '{', '1.2.3.4', '1.2.3.5', '}']);
  });

  it('keeps the columns of a conditional line', () => {
    const tokens = lexConfig('/k.conf', memoryIO({ '/k.conf': '  @main priority 240\n' }), () => undefined, { configId: 'main' });
    expect(tokens.map((t) => [t.text, t.line, t.col])).toEqual([['priority', 1, 9], ['240', 1, 18]]);
  });

  it('$NAME followed by white space and ${NAME} anywhere; replaced at use time, recursively; undefined names stay', () => {
    const text = '$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\nscript "$1 ${UNDEF}"\n';
    expect(lex(text)).toEqual(['10.2.0.100/32', '10.2.10.100/32', 'script', '$1 ${UNDEF}']);
  });

  it('works with conditionals both ways ($PRIORITY per id; $IF_MAIN=@main)', () => {
    const text = '@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n$IF_MAIN=@main\n$IF_MAIN weight 1\n';
    expect(lex(text, 'main')).toEqual(['priority', '240', 'weight', '1']);
    expect(lex(text, 'backup')).toEqual(['priority', '200']);
  });

  it('multi-line definitions with a trailing \\, definitions inside them, used many times', () => {
    const text = [
      '$INSTANCE= \\',
      'vrrp_instance VI_${NUM} { \\',
      '  interface eth0.${NUM} \\',
      '  @high priority 130 \\',
      '  @low priority 120 \\',
      '  $X=${NUM}${NUM} \\',
      '  note ${X} \\',
      '}',
      '$NUM=0',
      '$INSTANCE',
      '$NUM=1',
      '$INSTANCE',
    ].join('\n');
    expect(lex(text, 'low')).toEqual(['vrrp_instance', 'VI_0', '{', 'interface', 'eth0.0', 'priority', '120', 'note', '00', '}', 'vrrp_instance', 'VI_1', '{', 'interface', 'eth0.1', 'priority', '120', 'note', '11', '}']);
    const tokens = lexConfig('/k.conf', memoryIO({ '/k.conf': text }), () => undefined);
    expect(tokens.filter((t) => t.text === 'vrrp_instance').map((t) => t.line)).toEqual([10, 12]);
  });

  it('a definition made in one file is used in an include, and one made in the include afterwards', () => {
    const others = { '/etc/inc.conf': 'priority $PRIO\n$AFTER=yes\n' };
    expect(lex('$PRIO=42\ninclude inc.conf\nflag $AFTER\n', undefined, others)).toEqual(['priority', '42', 'flag', 'yes']);
  });

  it('pre-defined ${_PWD}, ${_INSTANCE}, ${_HASH}, ${_BANG} and ${_RANDOM MIN MAX}', () => {
    const out = lex('a ${_PWD} ${_INSTANCE} x${_HASH}y ${_BANG}z\nr ${_RANDOM 5 5}\n', 'node1');
    expect(out).toEqual(['a', '/etc', 'node1', 'x#y', '!z', 'r', '5']);
  });

  it('comments are removed before substitution; a quoted # is not a comment', () => {
    expect(lex('$A=1 # one\nv $A ! x\ns "#x" $A\n')).toEqual(['v', '1', 's', '#x', '1']);
  });

  it('an include written after @ID or with $NAME is not read (keepalived detects includes first), with a warning', () => {
    const warnings: ConfigWarning[] = [];
    const tokens = lexConfig('/k.conf', memoryIO({ '/k.conf': '@main include x.conf\n', '/x.conf': 'inner\n' }), (w) => warnings.push(w), { configId: 'main' });
    expect(texts(tokens)).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual(['/k.conf:1:7: include on a line with @ID or $NAME is not read: keepalived recognises includes before conditionals and substitution; write the include on a plain line']);
  });

  it('a definition that uses itself stops at the substitution depth with a located error', () => {
    expectConfigError(() => lexConfig('/k.conf', memoryIO({ '/k.conf': '$A=$A\nx $A\n' }), () => undefined), '/k.conf', 2, 3,
      'parameter substitution nested more than 32 deep (a definition that uses itself?); fix the $NAME definitions');
  });

  it('exponential definitions stop at the expansion limit', () => {
    const defs = ['$A0=xxxxxxxxxxxxxxxx'];
    for (let i = 1; i <= 30; i++) defs.push(`$A${i}=\${A${i - 1}}\${A${i - 1}}`);
    let caught: unknown;
    try {
      lexConfig('/k.conf', memoryIO({ '/k.conf': `${defs.join('\n')}\nv \${A30}\n` }), () => undefined);
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toMatch(/^\/k\.conf:32:3: parameter substitution makes more than \d+ characters (on one line|in all); simplify the \$NAME definitions$/);
  }, 10000);
});
