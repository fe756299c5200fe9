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
import { expectConfigError } from '../helpers/config-error';
import { seedKeepalivedConf } from '../helpers/lb';

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
  /** The errors runCheck printed (exit 1, nothing on stdout), without the `vrrpd: ` prefix and the count line. */
  const errorsOf = (p: string): string[] => {
    expect(runCheck(p, io)).toBe(1);
    expect(lines.out).toEqual([]);
    expect(lines.err[lines.err.length - 1]).toMatch(/^vrrpd: .*: \d+ error\(s\), \d+ warning\(s\); the configuration is not valid$/);
    return lines.err.slice(0, -1).filter((l) => !l.startsWith('vrrpd: warning: ')).map((l) => l.replace(/^vrrpd: /, ''));
  };
  const refusal = (p: string): string => errorsOf(p)[0];

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

  it('reports every error and warning in one run, each at file:line:col, and exits 1', () => {
    const p = write('many.conf', 'vrrp_instance A {\n  interface eth0\n  priority 0\n  virtual_ipaddress { 192.0.2.1 }\n  advret_int 1\n}\nvrrp_instance B {\n  interface eth0\n  virtual_router_id 300\n  virtual_ipaddress { 192.0.2.2 }\n}\n');
    expect(errorsOf(p)).toEqual([
      `${p}:3:12: priority must be an integer 1..255, got '0'`,
      `${p}:1:1: vrrp_instance A has no virtual_router_id; add \`virtual_router_id 1..255\``,
      `${p}:9:21: virtual_router_id must be an integer 1..255, got '300'`,
    ]);
    expect(lines.err).toContain(`vrrpd: warning: ${p}:5:3: unknown vrrp_instance keyword 'advret_int'; ignored (did you mean 'advert_int'?)`);
    expect(lines.err[lines.err.length - 1]).toBe(`vrrpd: ${p}: 3 error(s), 1 warning(s); the configuration is not valid`);
  });

  it('takes the config id for @ID lines (runCheck options.configId)', () => {
    const p = write('cond.conf', INSTANCE.replace('  interface eth0\n', '@lb1  interface eth0\n'));
    expect(runCheck(p, io, { configId: 'lb1' })).toBe(0);
    lines.out = [];
    expect(errorsOf(p)).toEqual([`${p}:1:1: vrrp_instance VI_1 has no interface; add \`interface IFNAME\``]);
  });

  it('the seed LVS-DR director configuration: one warning each for lvs_sync_daemon_interface and virtual_server, at their lines', () => {
    const conf = seedKeepalivedConf({ routerId: 'LVS_DR1', state: 'MASTER', priority: 100, vip: '192.0.2.100/24', instanceExtra: '\tlvs_sync_daemon_interface eth0\n',
      tail: 'virtual_server 192.0.2.100 80 {\n\tlb_kind DR\n\treal_server 192.0.2.11 80 {\n\t\tweight 2\n\t\tTCP_CHECK {\n\t\t\tconnect_timeout 3\n\t\t}\n\t}\n}\n' });
    const p = write('lvs.conf', conf);
    expect(runCheck(p, io)).toBe(0);
    const lineOf = (kw: string): number => conf.split('\n').findIndex((l) => l.trim().startsWith(`${kw} `)) + 1;
    expect(lines.err).toHaveLength(2);
    expect(lines.err[0]).toContain(`${p}:${lineOf('lvs_sync_daemon_interface')}:`);
    expect(lines.err[0]).toContain('lvs_sync_daemon_interface');
    expect(lines.err[1]).toContain(`${p}:${lineOf('virtual_server')}:`);
    expect(lines.out).toEqual([`${p}: configuration OK: 1 instance(s), 0 script(s), 2 warning(s)`]);
  });

  it('checks the scripts on disk: a missing vrrp_script is a warning; under enable_script_security a world-writable one is an error', () => {
    const script = write('chk.sh', '#!/bin/sh\nexit 0\n');
    fs.chmodSync(script, 0o777);
    const track = `vrrp_script gone {\n  script ${dir}/gone.sh\n}\nvrrp_script ww {\n  script ${script}\n}\n${INSTANCE.replace('}\n}\n', '}\n  track_script {\n    gone\n    ww\n  }\n}\n')}`;
    const p = write('scripts.conf', track);
    expect(runCheck(p, io)).toBe(0);
    expect(lines.err).toEqual([`vrrpd: warning: ${p}:1:1: vrrp_script gone: ${dir}/gone.sh does not exist; keepalived disables it ("Disabling track script gone since not found/accessible") and vrrpd would count every run as a failure; fix the path or \`chmod +x\` it`]);
    lines.err = [];
    lines.out = [];
    const secure = write('secure.conf', `global_defs {\n  enable_script_security\n}\n${track}`);
    const errs = errorsOf(secure);
    expect(errs.some((e) => e.startsWith(`${secure}:7:1: vrrp_script ww: ${script} runs as root but `))).toBe(true);
  });
});
