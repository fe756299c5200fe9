import { checkConfigText, parseConfigText, type ParseResult } from '../../lib/config';
import { expectConfigError } from '../helpers/config-error';


const F = 'k.conf';
/** Lines 1-3: vrrp_script chk; line 4: vrrp_instance VI_1; 5: interface; 6: vrid 51; `body` starts at line 7. */
const inst = (...body: string[]): string =>
  ['vrrp_script chk {', '  script "/bin/true"', '}', 'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', ...body, '}', ''].join('\n');
const parse = (text: string): ParseResult => parseConfigText(text, F);
/** The warnings, without the one about `chk` (lines 1-3) being tracked by no instance (tested on its own). */
const messages = (r: ParseResult): string[] => r.warnings.map((w) => w.message).filter((m) => !m.endsWith('vrrp_script chk is defined but no vrrp_instance tracks it (track_script); it never changes a priority'));

describe('validation errors name file:line:col and what to change', () => {
  const err = (text: string, line: number, col: number, message: string): void => expectConfigError(() => parse(text), F, line, col, message);
  const vip4 = ['  virtual_ipaddress {', '    192.0.2.1', '  }'];

  it('VRID range', () => {
    err(inst('  virtual_router_id 0', ...vip4), 7, 21, "virtual_router_id must be an integer 1..255, got '0'");
    err(inst('  virtual_router_id 256'), 7, 21, "virtual_router_id must be an integer 1..255, got '256'");
    err(inst('  virtual_router_id ten'), 7, 21, "virtual_router_id must be an integer 1..255, got 'ten'");
  });

  it('priority range', () => {
    err(inst('  priority 0'), 7, 12, "priority must be an integer 1..255, got '0'");
    err(inst('  priority 256'), 7, 12, "priority must be an integer 1..255, got '256'");
  });

  it('missing interface, VRID or argument', () => {
    err('vrrp_instance X {\n  virtual_router_id 1\n}', 1, 1, 'vrrp_instance X has no interface; add `interface IFNAME`');
    err('vrrp_instance X {\n  interface eth0\n}', 1, 1, 'vrrp_instance X has no virtual_router_id; add `virtual_router_id 1..255`');
    err(inst('  priority'), 7, 3, 'priority needs an integer 1..255');
    err('vrrp_instance {\n}', 1, 1, 'vrrp_instance needs an instance name, e.g. `vrrp_instance VI_1 {`');
  });

  it('block / no-block misuse', () => {
    err(inst('  virtual_ipaddress 192.0.2.1'), 7, 3, 'virtual_ipaddress needs a { ... } block');
    err(inst('  priority 10 {', '  }'), 7, 3, 'priority does not take a { } block; remove the braces');
  });

  it('state values', () => {
    err(inst('  state master'), 7, 9, "state must be MASTER or BACKUP, got 'master'");
  });

  it('one address family per instance', () => {
    err(inst('  virtual_ipaddress {', '    192.0.2.1', '    2001:db8::1', '  }'), 9, 5,
      'virtual_ipaddress mixes IPv4 and IPv6: 2001:db8::1 is IPv6 but 192.0.2.1 (line 8) is IPv4; put each family in its own vrrp_instance');
    err(inst(...vip4, '  unicast_peer {', '    2001:db8::2', '  }'), 11, 5, '2001:db8::2 is IPv6 but vrrp_instance VI_1 is IPv4; use an IPv4 address');
  });

  it('VRRPv2 is IPv4 only', () => {
    err(inst('  version 2', '  virtual_ipaddress {', '    2001:db8::1', '  }'), 9, 5, 'VRRPv2 is IPv4 only (RFC 3768) but vrrp_instance VI_1 is IPv6; use `version 3`');
  });

  it('address syntax', () => {
    err(inst('  virtual_ipaddress {', '    192.0.2.300', '  }'), 8, 5, "virtual_ipaddress: '192.0.2.300' is not an IPv4 or IPv6 address (IP or IP/len)");
    err(inst('  virtual_ipaddress {', '    192.0.2.1/33', '  }'), 8, 5, "virtual_ipaddress: prefix length of '192.0.2.1/33' must be 0..32");
    err(inst('  virtual_ipaddress {', '    192.0.2.1 dev', '  }'), 8, 15, "virtual_ipaddress: 'dev' needs a value");
    err(inst('  unicast_src_ip 192.0.2', ...vip4), 7, 18, "unicast_src_ip: '192.0.2' is not an IPv4 or IPv6 address");
    err(inst('  unicast_peer {', '    fe80::1::2', '  }'), 8, 5, "unicast_peer: 'fe80::1::2' is not an IPv4 or IPv6 address");
  });

  it('unknown script or track file', () => {
    err(inst('  track_script {', '    chk', '    chk_missing weight 10', '  }'), 9, 5,
      "track_script: no vrrp_script named 'chk_missing'; define `vrrp_script chk_missing { ... }` or fix the name");
    err(inst('  track_file {', '    nofile', '  }'), 8, 5, "track_file: no track_file named 'nofile'; define `track_file nofile { ... }` or fix the name");
    err(inst('  track_script {', '    chk weight 254', '  }'), 8, 16, "weight must be an integer -253..253, got '254'");
    err(inst('  track_interface {', '    eth1 weight 5 backwards', '  }'), 8, 19, "expected 'reverse' or 'noreverse' after the weight, got 'backwards'");
    err(inst('  track_interface {', '    eth1 wait 5', '  }'), 8, 10, "expected 'weight' after eth1, got 'wait'");
  });

  it('unknown instance in a sync group, or an instance in two groups', () => {
    err(`${inst(...vip4)}vrrp_sync_group G {\n  group {\n    VI_1\n    VI_9\n  }\n}\n`, 14, 5, "vrrp_sync_group G: no vrrp_instance named 'VI_9'; define it or fix the name (did you mean 'VI_1'?)");
    err(`${inst(...vip4)}vrrp_sync_group G {\n  group {\n    VI_1\n  }\n}\nvrrp_sync_group H {\n  group {\n    VI_1\n  }\n}\n`, 18, 5,
      'vrrp_instance VI_1 is already in vrrp_sync_group G (k.conf:13); an instance can be in one group only');
    err('vrrp_sync_group G {\n}\n', 1, 1, 'vrrp_sync_group G has no group block; add `group { INSTANCE ... }`');
  });

  it('duplicate VRID on the same interface and family, and duplicate names', () => {
    const second = (iface: string, name = 'VI_2'): string => `vrrp_instance ${name} {\n  interface ${iface}\n  virtual_router_id 51\n  virtual_ipaddress {\n    192.0.2.2\n  }\n}\n`;
    err(inst(...vip4) + second('eth0'), 13, 3, 'virtual_router_id 51 on eth0 (IPv4) is already used by vrrp_instance VI_1 at k.conf:6; choose another VRID');
    expect(() => parse(inst(...vip4) + second('eth1'))).not.toThrow();
    err(inst(...vip4) + second('eth1', 'VI_1'), 11, 1, 'vrrp_instance VI_1 is already defined at k.conf:4; rename one of them');
    err(`${inst(...vip4)}vrrp_script chk {\n  script x\n}\n`, 11, 1, 'vrrp_script chk is already defined at k.conf:1; rename one of them');
  });

  it('advert_int ranges per version', () => {
    err(inst('  version 3', '  advert_int 0.005'), 8, 14, "advert_int (VRRPv3) must be seconds 0.01..40.95, got '0.005'");
    err(inst('  version 3', '  advert_int 41'), 8, 14, "advert_int (VRRPv3) must be seconds 0.01..40.95, got '41'");
    err(inst('  version 3', '  advert_int 0.015'), 8, 14, "advert_int has a resolution of 0.01 s in VRRPv3, got '0.015'");
    err(inst('  advert_int 0.5'), 7, 14, "advert_int must be whole seconds in VRRPv2, got '0.5'; use `version 3` for sub-second intervals");
    err(inst('  advert_int 256'), 7, 14, "advert_int (VRRPv2) must be seconds 1..255, got '256'");
    err(inst('  advert_int 0'), 7, 14, "advert_int (VRRPv2) must be seconds 1..255, got '0'");
    err(inst('  advert_int -1'), 7, 14, "advert_int (VRRPv2) must be seconds 1..255, got '-1'");
    // advert_int before version: the range is chosen once the instance is read.
    expect(parse(inst('  advert_int 40.95', '  version 3', ...vip4)).config.instances[0].advertIntervalCs).toBe(4095);
    expect(parse(inst('  advert_int 255', ...vip4)).config.instances[0].advertIntervalCs).toBe(25500);
  });

  it('authentication: AH refused, unknown type, missing parts', () => {
    err(inst('  authentication {', '    auth_type AH', '    auth_pass x', '  }'), 8, 15,
      'auth_type AH (IPsec Authentication Header) is not supported; use auth_type PASS or remove the authentication block');
    err(inst('  authentication {', '    auth_type NONE', '  }'), 8, 15, "auth_type must be PASS, got 'NONE'");
    err(inst('  authentication {', '    auth_pass x', '  }'), 7, 3, 'authentication needs `auth_type PASS`');
    err(inst('  authentication {', '    auth_type PASS', '  }'), 7, 3, 'authentication needs `auth_pass PASSWORD`');
  });

  it('vrrp_script and global_defs values', () => {
    err('vrrp_script s {\n  interval 1\n}\n', 1, 1, 'vrrp_script s has no script; add `script "/path/to/check args"`');
    err('vrrp_script s {\n  script x\n  weight 300\n}\n', 3, 10, "weight must be an integer -253..253, got '300'");
    err('vrrp_script s {\n  script x\n  interval 0\n}\n', 3, 12, "interval must be seconds 1..86400, got '0'");
    err('global_defs {\n  vrrp_version 4\n}\n', 2, 16, "vrrp_version must be an integer 2..3, got '4'");
    err('global_defs {\n  vrrp_lower_prio_no_advert maybe\n}\n', 2, 29, "vrrp_lower_prio_no_advert takes no value or one of true|false|on|off|yes|no, got 'maybe'");
    err('track_file t {\n  weight 1\n}\n', 1, 1, 'track_file t has no file; add `file "/path/to/file"`');
  });
});

describe('warnings name file:line:col', () => {
  const vip4 = ['  virtual_ipaddress {', '    192.0.2.1', '  }'];

  it('auth_pass longer than 8 bytes is truncated', () => {
    const r = parse(inst('  authentication {', '    auth_type PASS', '    auth_pass 0123456789', '  }', ...vip4));
    expect(r.config.instances[0].authPass).toBe('01234567');
    expect(messages(r)).toEqual([
      "k.conf:9:15: auth_pass '0123456789' is 10 bytes in UTF-8 but a VRRPv2 advert carries 8; only the first 8 are sent, as keepalived does: 30 31 32 33 34 35 36 37 ('01234567')",
    ]);
  });

  it('nopreempt with state MASTER, and with priority 255', () => {
    const r = parse(inst('  state MASTER', '  priority 255', '  nopreempt', ...vip4));
    expect(messages(r)).toEqual([
      'k.conf:9:3: nopreempt needs `state BACKUP`; with state MASTER it has no effect at startup',
      'k.conf:9:3: priority 255 is the address owner, which always preempts; nopreempt has no effect',
    ]);
  });

  it('unknown instance keywords, extra arguments, unknown top-level blocks', () => {
    const r = parse(`${inst('  fancy_new_option 3', '  priority 10 20', ...vip4)}frobnicate {\n}\n`);
    expect(r.warnings[0]).toEqual({ file: F, line: 7, col: 3, message: "k.conf:7:3: unknown vrrp_instance keyword 'fancy_new_option'; ignored" });
    expect(messages(r).slice(1)).toEqual([
      "k.conf:8:15: unexpected argument '20' after priority; ignored",
      "k.conf:13:1: unknown top-level keyword 'frobnicate'; ignored",
    ]);
  });

  it('authentication under VRRPv3 is ignored', () => {
    const r = parse(inst('  version 3', '  authentication {', '    auth_type PASS', '    auth_pass x', '  }', ...vip4));
    expect(r.config.instances[0].authPass).toBeUndefined();
    expect(messages(r)).toEqual(['k.conf:8:3: authentication does not exist in VRRPv3 (RFC 9568); ignored']);
  });

  it('vrrp_strict turns accept mode off unless `accept` is written', () => {
    const strict = (extra: string[]): boolean => parse(`global_defs {\n  vrrp_strict\n}\n${inst(...extra, ...vip4)}`).config.instances[0].accept;
    expect(strict([])).toBe(false);
    expect(strict(['  version 3', '  accept'])).toBe(true);
    expect(strict(['  priority 255'])).toBe(true); // keepalived: unset accept under strict mode = owner only
  });

  it('vrrp_strict resets accept under VRRPv2, authentication, preempt_delay and state MASTER without priority 255 (as keepalived)', () => {
    const r = parse(`global_defs {\n  vrrp_strict\n}\n${inst('  state MASTER', '  accept', '  preempt_delay 5', '  authentication {', '    auth_type PASS', '    auth_pass x', '  }', ...vip4)}`);
    const i = r.config.instances[0];
    expect({ accept: i.accept, auth: i.authPass, delay: i.preemptDelayCs, state: i.state }).toEqual({ accept: false, auth: undefined, delay: 0, state: 'BACKUP' });
    expect(messages(r)).toEqual([
      'k.conf:13:3: (VI_1) authentication is not supported in strict mode (vrrp_strict / strict_mode) (RFC 3768 removed it); ignored, as keepalived does',
      'k.conf:12:3: (VI_1) preempt_delay is incompatible with strict mode; reset to 0, as keepalived does',
      'k.conf:11:3: (VI_1) accept mode for VRRP version 2 does not comply with RFC 3768 in strict mode (vrrp_strict / strict_mode); reset to no_accept, as keepalived does',
      'k.conf:10:9: (VI_1) state MASTER must match being address owner (priority 255) in strict mode (vrrp_strict / strict_mode); starting as BACKUP, as keepalived does',
    ]);
  });

  it('vrrp_strict refuses unicast peers and an IPv6 instance whose first VIP is not link-local', () => {
    const text = `global_defs {\n  vrrp_strict\n}\n${inst('  unicast_peer {', '    192.0.2.9', '  }', ...vip4)}vrrp_instance V6 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    2001:db8::1\n  }\n}\n`;
    expectConfigError(() => parse(text), F, 10, 3, '(VI_1) unicast peers are not supported in strict mode (vrrp_strict / strict_mode); remove unicast_peer or strict mode');
    const all = checkConfigText(text, F).errors.map((e) => e.message);
    expect(all).toEqual([
      'k.conf:10:3: (VI_1) unicast peers are not supported in strict mode (vrrp_strict / strict_mode); remove unicast_peer or strict mode',
      'k.conf:21:5: (V6) the first IPv6 VIP must be link local (fe80::/10) in strict mode (vrrp_strict / strict_mode); put a link-local address first',
    ]);
  });

  it('warns about a vrrp_script no instance tracks (requested wording)', () => {
    const r = parse(inst(...vip4));
    expect(r.warnings.map((w) => w.message)).toEqual(['k.conf:1:1: vrrp_script chk is defined but no vrrp_instance tracks it (track_script); it never changes a priority']);
    expect(parse(inst('  track_script {', '    chk', '  }', ...vip4)).warnings).toEqual([]);
  });

  it('includes carry their own file names into messages', () => {
    const r = parseConfigText('include inst.conf\n', '/etc/k.conf', { '/etc/inst.conf': inst('  bogus', ...vip4) });
    expect(messages(r)).toEqual(["/etc/inst.conf:7:3: unknown vrrp_instance keyword 'bogus'; ignored"]);
    expectConfigError(() => parseConfigText('include inst.conf\n', '/etc/k.conf', { '/etc/inst.conf': inst('  priority 0') }), '/etc/inst.conf', 7, 12,
      "priority must be an integer 1..255, got '0'");
  });
});
