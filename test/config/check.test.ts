/**
 * `vrrpd -t` says OK only where the daemon would start: checkRunnable (every instance through the fsm's
 * resolveConfig, at least one instance) and runCheck's output and exit code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkRunnable, parseConfigText } from '../../lib/config';
import { runCheck } from '../../lib/cli/run';
import type { CliIo } from '../../lib/cli/io';
import { ConfigError } from '../../lib/errors';
import { expectConfigError } from '../helpers/config-error';

const F = 'k.conf';
const INSTANCE = 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    192.0.2.1\n  }\n}\n';

describe('checkRunnable', () => {
  it('passes a configuration the fsm accepts, with the configured or a placeholder source of each family', () => {
    const v6 = 'vrrp_instance V6 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    2001:db8::1\n  }\n}\n';
    const src = 'vrrp_instance S {\n  interface eth1\n  virtual_router_id 1\n  unicast_src_ip 192.0.2.9\n  virtual_ipaddress {\n    192.0.2.2\n  }\n}\n';
    expect(() => checkRunnable(parseConfigText(INSTANCE + v6 + src, F).config, F)).not.toThrow();
  });

  it('raises what resolveConfig would raise at start, located at the instance', () => {
    const { config } = parseConfigText(`\n${INSTANCE}`, F);
    config.instances[0].priority = 0; // nothing the parser lets through; stands for any fsm-only rule
    expectConfigError(() => checkRunnable(config, F), F, 2, 1, 'vrrp_instance VI_1 cannot start: vrrp_instance VI_1: priority must be 1..255, got 0');
    config.instances[0].priority = 100;
    config.instances[0].virtualAddresses = [];
    expectConfigError(() => checkRunnable(config, F), F, 2, 1, 'vrrp_instance VI_1 cannot start: vrrp_instance VI_1: needs at least one virtual address');
  });

  it('refuses a configuration without vrrp_instance, naming the file', () => {
    const { config } = parseConfigText('global_defs {\n  router_id r1\n}\n', F);
    expectConfigError(() => checkRunnable(config, F), F, 1, 1, 'no vrrp_instance is configured in k.conf (with its includes); add a `vrrp_instance NAME { ... }` block');
  });
});

describe('runCheck (vrrpd -t)', () => {
  let dir: string;
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  const io: CliIo = { out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) };
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vrrp-check-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    lines.out = [];
    lines.err = [];
  });
  const write = (name: string, text: string | Buffer): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const refusal = (p: string): string => {
    try {
      runCheck(p, io);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).message;
    }
    throw new Error(`runCheck(${p}) said: ${lines.out.join('\n')}`);
  };

  it('says OK for a configuration the daemon would start', () => {
    const p = write('ok.conf', INSTANCE);
    expect(runCheck(p, io)).toBe(0);
    expect(lines.out).toEqual([`${p}: configuration OK: 1 instance(s), 0 script(s), 0 warning(s)`]);
  });

  it.each([
    ['an empty file', 'empty.conf', ''],
    ['only comments', 'comments.conf', '# nothing\n! here\n   \n'],
    ['binary garbage', 'garbage.bin', Buffer.from([0x00, 0x01, 0x02, 0x1b, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x07, 0xc3, 0x28])],
    ['no vrrp_instance', 'global.conf', 'global_defs {\n  router_id r1\n}\n'],
  ])('refuses %s: no vrrp_instance is configured', (_what, name, text) => {
    const p = write(name, text);
    expect(refusal(p)).toBe(`${p}:1:1: no vrrp_instance is configured in ${p} (with its includes); add a \`vrrp_instance NAME { ... }\` block`);
    expect(lines.out).toEqual([]);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    for (const l of lines.err) expect(l).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('refuses an instance without VIPs', () => {
    const p = write('novip.conf', 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n}\n');
    expect(refusal(p)).toBe(`${p}:1:1: vrrp_instance VI_1 has no virtual_ipaddress; add \`virtual_ipaddress { ADDRESS }\` (at least one is needed)`);
  });
});
