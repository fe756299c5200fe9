/**
 * Hostile input (the configuration part): inputs a fuzzing campaign found to overflow the stack, take
 * super-linear time, read without bound or hang, pass `-t` but fail at start, bind prototype names, or
 * echo control characters. One describe block per class.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lexConfig, loadConfig, memoryIO, parseConfig, parseConfigText, type ConfigIO, type ParseResult } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { expectConfigError } from '../helpers/config-error';
import { runIsolated } from '../helpers/isolated';

const F = 'k.conf';
const parse = (text: string): ParseResult => parseConfigText(text, F);
const messages = (r: ParseResult): string[] => r.warnings.map((w) => w.message);
const noWarn = (): undefined => undefined;
/** An instance whose VIP block holds `vips` (lines 1-4 header, VIPs from line 5). */
const inst = (vips: string[], ...body: string[]): string =>
  ['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '  virtual_ipaddress {', ...vips, '  }', ...body, '}', ''].join('\n');
const v4 = (i: number): string => `    10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('class 1: large inputs do not overflow the stack', () => {
  it('a virtual_ipaddress block of 130,000 entries is refused with a located error, not a RangeError', () => {
    expectConfigError(() => parse(inst(range(130000).map(v4))), F, 4, 3,
      'virtual_ipaddress of vrrp_instance VI_1 has 130000 addresses but one advert carries at most 255 (its Count field is 8 bits); move the rest to virtual_ipaddress_excluded');
  });

  it('a virtual_ipaddress_excluded block of 130,000 entries is read whole', () => {
    const excluded = ['  virtual_ipaddress_excluded {'].concat(range(130000).map(v4), ['  }']).join('\n');
    const text = inst(['    192.0.2.1'], excluded);
    expect(parse(text).config.instances[0].virtualAddressesExcluded).toHaveLength(130000);
  });

  it('an included file of 200,000 tokens is expanded in place', () => {
    const io = memoryIO({ '/k.conf': 'a\ninclude big.conf\nz\n', '/big.conf': 'x\n'.repeat(200000) });
    const tokens = lexConfig('/k.conf', io, noWarn);
    expect(tokens).toHaveLength(200002);
    expect(tokens[200001]).toMatchObject({ text: 'z', file: '/k.conf', line: 3 });
  });
});

/** /c0.conf includes c1; c1..c(n-1) each hold `body` and include the next twice; c(n) is a leaf. */
function doubleChain(n: number, body = 'a'): Record<string, string> {
  const files: Record<string, string> = { '/c0.conf': 'include c1.conf\n' };
  for (let i = 1; i < n; i++) files[`/c${i}.conf`] = `${body}\ninclude c${i + 1}.conf\ninclude c${i + 1}.conf\n`;
  files[`/c${n}.conf`] = 'leaf\n';
  return files;
}

describe('class 2: time linear in the input', () => {
  it('tokenizes a 5 MB line of quoted strings in one pass (in a child killed after 5 s)', () => {
    const r = runIsolated(`
      const { tokenize } = lib('lib/config');
      const tokens = tokenize('x ' + '"abcd" '.repeat(750000), 'k.conf');
      const last = tokens[tokens.length - 1];
      return [tokens.length, last.kind, last.text, last.line, last.col];`, 5000);
    expect(r.stderr).toBe('');
    expect(r.value).toEqual([750001, 'string', 'abcd', 1, 3 + 7 * 749999]);
  }, 10000);

  it('refuses a 30-level double-include chain at the include depth limit, naming file:line', () => {
    expectConfigError(() => lexConfig('/c0.conf', memoryIO(doubleChain(30)), noWarn), '/c16.conf', 2, 9,
      'include nested more than 16 deep (/c0.conf -> /c1.conf -> ... -> /c16.conf -> /c17.conf); flatten the includes');
  }, 5000);

  it('stops a double-include chain within the depth limit at the token limit', () => {
    const body = 'w '.repeat(40);
    let caught: unknown;
    try {
      lexConfig('/c0.conf', memoryIO(doubleChain(16, body)), noWarn);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(/: the configuration with its includes has more than 1000000 tokens; /);
  }, 5000);

  it('reads each file once, however often it is included', () => {
    const files = { '/k.conf': 'include a.conf\ninclude a.conf\ninclude b.conf\n', '/a.conf': 'include b.conf\nx\n', '/b.conf': 'y\n' };
    const reads: string[] = [];
    const base = memoryIO(files);
    const io: ConfigIO = { readFile: (p, max) => (reads.push(p), base.readFile(p, max)), listDir: (d) => base.listDir(d) };
    expect(lexConfig('/k.conf', io, noWarn).map((t) => t.text)).toEqual(['y', 'x', 'y', 'x', 'y']);
    expect(reads).toEqual(['/k.conf', '/a.conf', '/b.conf']);
  });

  it('refuses the same file twice along one chain as a loop at the including line', () => {
    const io = memoryIO({ '/k.conf': 'include a.conf\n', '/a.conf': 'x\ninclude b.conf\n', '/b.conf': 'include a.conf\n' });
    expectConfigError(() => lexConfig('/k.conf', io, noWarn), '/b.conf', 1, 9, 'include cycle: /k.conf -> /a.conf -> /b.conf -> /a.conf; remove this include');
  });
});

describe('class 3: only regular files, bounded in size', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vrrp-hostile-'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    fs.writeFileSync(path.join(dir, 'zero.conf'), 'include /dev/zero\n');
    fs.writeFileSync(path.join(dir, 'fifo.conf'), 'global_defs {\n}\ninclude fifo\n');
    fs.writeFileSync(path.join(dir, 'dir.conf'), 'include .\n');
    const big = fs.openSync(path.join(dir, 'big.conf'), 'w');
    fs.ftruncateSync(big, 8 * 1024 * 1024 + 1); // sparse: the size is refused before a byte is read
    fs.closeSync(big);
    fs.writeFileSync(path.join(dir, 'inc-big.conf'), '\n\ninclude big.conf\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Messages of loadConfig on each path, from a child killed after 5 s (a FIFO used to block forever). */
  const loadAll = (paths: string[]): unknown => runIsolated(`
      const { loadConfig } = lib('lib/config');
      return ${JSON.stringify(paths)}.map((p) => { try { loadConfig(p); return 'OK'; } catch (e) { return e.message; } });`, 5000).value;

  it('refuses /dev/zero as the configuration and as an include', () => {
    const zero = path.join(dir, 'zero.conf');
    expect(loadAll(['/dev/zero', zero])).toEqual([
      '/dev/zero:1:1: cannot read configuration file (not a regular file but a character device)',
      `${zero}:1:9: cannot read included file /dev/zero (not a regular file but a character device); fix the include path`,
    ]);
  }, 10000);

  it('refuses a FIFO without blocking, as the configuration and as an include', () => {
    const fifo = path.join(dir, 'fifo');
    const inc = path.join(dir, 'fifo.conf');
    expect(loadAll([fifo, inc])).toEqual([
      `${fifo}:1:1: cannot read configuration file (not a regular file but a FIFO)`,
      `${inc}:3:9: cannot read included file ${fifo} (not a regular file but a FIFO); fix the include path`,
    ]);
  }, 10000);

  it('refuses a directory', () => {
    expectConfigError(() => loadConfig(path.join(dir, 'dir.conf')), path.join(dir, 'dir.conf'), 1, 9,
      `cannot read included file ${dir} (not a regular file but a directory); fix the include path`);
  });

  it('refuses a file over 8 MiB before reading it', () => {
    const big = path.join(dir, 'big.conf');
    expectConfigError(() => loadConfig(big), big, 1, 1,
      'cannot read configuration file (8388609 bytes; a file may have at most 8388608 bytes (8 MiB), and a configuration with its includes 16 MiB)');
    expectConfigError(() => loadConfig(path.join(dir, 'inc-big.conf')), path.join(dir, 'inc-big.conf'), 3, 9,
      `cannot read included file ${big} (8388609 bytes; a file may have at most 8388608 bytes (8 MiB), and a configuration with its includes 16 MiB)`);
  });

  it('refuses more than 16 MiB in all, naming the include that crosses it (memoryIO enforces the limits too)', () => {
    const six = `#${' '.repeat(6 * 1024 * 1024 - 2)}\n`;
    const io = memoryIO({ '/k.conf': 'include a.conf\ninclude b.conf\ninclude c.conf\n', '/a.conf': six, '/b.conf': six, '/c.conf': six });
    expectConfigError(() => parseConfig('/k.conf', io), '/k.conf', 3, 9,
      'cannot read included file /c.conf (6291456 bytes; the configuration and its includes may have at most 16777216 bytes (16 MiB) in all, 4194259 are left)');
  });
});

describe('class 4: -t accepts only what the daemon would start', () => {
  const vip = ['    192.0.2.1'];

  it('auth_pass of 8 characters but 10 bytes: warns with the line and the 8 bytes sent', () => {
    const r = parse(inst(vip, '  authentication {', '    auth_type PASS', '    auth_pass pässwörd', '  }'));
    expect(messages(r)).toEqual([
      "k.conf:9:15: auth_pass 'pässwörd' is 10 bytes in UTF-8 but a VRRPv2 advert carries 8; only the first 8 are sent, as keepalived does: 70 c3 a4 73 73 77 c3 b6 ('pässwö')",
    ]);
  });

  it('auth_pass cut inside a character: the bytes sent are shown, the partial character escaped', () => {
    const r = parse(inst(vip, '  authentication {', '    auth_type PASS', '    auth_pass 1234567ü', '  }'));
    expect(messages(r)).toEqual([
      "k.conf:9:15: auth_pass '1234567ü' is 9 bytes in UTF-8 but a VRRPv2 advert carries 8; only the first 8 are sent, as keepalived does: 31 32 33 34 35 36 37 c3 ('1234567\\xc3')",
    ]);
  });

  it('at most 255 VIPs', () => {
    expect(parse(inst(range(255).map(v4))).config.instances[0].virtualAddresses).toHaveLength(255);
    expectConfigError(() => parse(inst(range(256).map(v4))), F, 4, 3,
      'virtual_ipaddress of vrrp_instance VI_1 has 256 addresses but one advert carries at most 255 (its Count field is 8 bits); move the rest to virtual_ipaddress_excluded');
  });

  it('an instance without VIPs is an error', () => {
    expectConfigError(() => parse('vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n}\n'), F, 1, 1,
      'vrrp_instance VI_1 has no virtual_ipaddress; add `virtual_ipaddress { ADDRESS }` (at least one is needed)');
    expectConfigError(() => parse(inst([])), F, 1, 1,
      'vrrp_instance VI_1 has no virtual_ipaddress; add `virtual_ipaddress { ADDRESS }` (at least one is needed)');
  });

  it('interface "" is an error', () => {
    expectConfigError(() => parse(inst(vip, '  interface ""')), F, 7, 13, 'interface needs an interface name, got an empty string');
  });

  it('the same VRID twice on one interface and family names both', () => {
    const two = inst(vip) + inst(['    192.0.2.2']).replace('VI_1', 'VI_2');
    expectConfigError(() => parse(two), F, 10, 3, 'virtual_router_id 51 on eth0 (IPv4) is already used by vrrp_instance VI_1 at k.conf:3; choose another VRID');
  });
});

describe('class 5: prototype names are ordinary unknown names', () => {
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

  it.each(names)('%s as an instance keyword is unknown', (n) => {
    const r = parse(inst(['    192.0.2.1'], `  ${n} "/bin/x"`));
    expect(messages(r)).toEqual([`k.conf:7:3: unknown vrrp_instance keyword '${n}'; ignored`]);
    expect(Object.keys(r.config.instances[0].notify)).toEqual([]);
  });

  it.each(names)('%s as a sync group keyword is unknown', (n) => {
    const r = parse(`${inst(['    192.0.2.1'])}vrrp_sync_group G {\n  group {\n    VI_1\n  }\n  ${n} "/bin/x"\n}\n`);
    expect(messages(r)).toEqual([`k.conf:12:3: unknown or unsupported vrrp_sync_group keyword '${n}'; ignored`]);
    expect(Object.keys(r.config.syncGroups[0].notify)).toEqual([]);
  });

  it.each(names)('%s as a VIP option is unsupported', (n) => {
    const r = parse(inst([`    192.0.2.1 ${n}`]));
    expect(messages(r)).toEqual([`k.conf:5:15: virtual_ipaddress: option '${n}' is not supported; ignored`]);
    expect(Object.keys(r.config.instances[0].virtualAddresses[0])).toEqual(['at', 'address', 'family']);
  });

  it.each(names)('%s as an include name is a missing file (a warning, as keepalived), an error with includea', (n) => {
    expect(messages(parseConfigText(`include ${n}\n`, F))).toEqual([
      `k.conf:1:9: included file ${n} does not exist; nothing included (keepalived's plain \`include\` skips a missing file; use \`includea\` to make it an error)`,
    ]);
    expectConfigError(() => parseConfigText(`includea ${n}\n`, F), F, 1, 10, `cannot read included file ${n} (no such file); fix the include path`);
  });

  it.each(names)('%s as a top-level, global_defs, vrrp_script or authentication keyword is unknown', (n) => {
    const text = `${n}\nglobal_defs {\n  ${n}\n}\nvrrp_script s {\n  script x\n  ${n}\n}\n` +
      inst(['    192.0.2.1'], '  authentication {', '    auth_type PASS', '    auth_pass x', `    ${n}`, '  }');
    expect(messages(parse(text))).toEqual([
      `k.conf:3:3: unknown or unsupported global_defs keyword '${n}'; ignored`,
      `k.conf:7:3: unknown vrrp_script keyword '${n}'; ignored`,
      `k.conf:18:5: unknown authentication keyword '${n}'; ignored`,
      `k.conf:1:1: unknown top-level keyword '${n}'; ignored`,
      'k.conf:5:1: vrrp_script s is defined but no vrrp_instance tracks it (track_script); it never changes a priority',
    ]);
  });
});

describe('class 6: control characters in messages are escaped', () => {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

  it('in errors', () => {
    let caught: unknown;
    try {
      parse(inst(['    192.0.2.1'], '  priority 1\u001b[2J\u0007'));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const e = caught as ConfigError;
    expect(e.message).toBe("k.conf:7:12: priority must be an integer 1..255, got '1\\x1b[2J\\x07'");
    expect(e.message).not.toMatch(raw);
  });

  it('in warnings, including NUL, CR, DEL, C1 and bidi controls inside quoted strings', () => {
    const r = parse(inst(['    192.0.2.1'], '  priority 10 "\u0000a\rb\u007f\u009b\u202e"', '  bogus\u0007'));
    expect(messages(r)).toEqual([
      "k.conf:7:15: unexpected argument '\\x00a\\rb\\x7f\\x9b\\u202e' after priority; ignored",
      "k.conf:8:3: unknown vrrp_instance keyword 'bogus\\x07'; ignored",
    ]);
  });

  it('in file names, from the include line on', () => {
    expectConfigError(() => parseConfigText('includea "x\u001b]0;pwned\u0007.conf"\n', '/k.conf'), '/k.conf', 1, 10,
      'cannot read included file /x\\x1b]0;pwned\\x07.conf (no such file); fix the include path');
    expect(messages(parseConfigText('include "x\u001b]0;pwned\u0007.conf"\n', '/k.conf'))).toEqual([
      "/k.conf:1:9: included file /x\\x1b]0;pwned\\x07.conf does not exist; nothing included (keepalived's plain `include` skips a missing file; use `includea` to make it an error)",
    ]);
    const w: string[] = [];
    lexConfig('/k\u001b.conf', memoryIO({ '/k\u001b.conf': 'include none\u0007/*.conf\n' }), (x) => w.push(x.message));
    expect(w).toEqual(['/k\\x1b.conf:1:1: include none\\x07/*.conf matches no file; nothing included']);
  });
});
