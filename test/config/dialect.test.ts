/**
 * keepalived 2.2.7's VRRP dialect beyond the basics: every error at once, did-you-mean, track_process,
 * virtual_routes / virtual_rules, sync-group trackers, notify users, the config id, the requested LVS
 * wordings, `interface lo`, and the script checks of `vrrpd -t` over a stat-like lookup.
 */
import {
  checkConfigText, checkScriptFiles, checkScriptSecurity, ConfigErrors, parseConfigText, type ParseResult, type StatLike,
} from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { expectConfigError } from '../helpers/config-error';

const F = 'k.conf';
import { routingOf, vipSpecsOf } from '../../lib/node/from-config';
import { routeText, ruleText } from '../../lib/platform/route-text';

const parse = (text: string): ParseResult => parseConfigText(text, F);
const messages = (r: { warnings: { message: string }[] }): string[] => r.warnings.map((w) => w.message);
/** A vrrp_instance VI_1 on eth0, VRID 51, one VIP, `body` from line 5. */
const inst = (...body: string[]): string => ['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '  virtual_ipaddress { 192.0.2.1 }', ...body, '}', ''].join('\n');

describe('every error at once', () => {
  const text = [
    'global_defs {', //1
    '  vrrp_version 4', //2
    '}', //3
    'vrrp_instance A {', //4
    '  interface eth0', //5
    '  priority 300', //6
    '  priorty 10', //7
    '  virtual_ipaddress {', //8
    '    192.0.2.300', //9
    '    192.0.2.2', //10
    '  }', //11
    '}', //12
    'vrrp_instance B {', //13
    '  virtual_router_id 52', //14
    '  virtual_ipaddress { 192.0.2.3 }', //15
    '}', //16
    'vrrp_sync_group G {', //17
    '  group {', //18
    '    A C', //19
    '  }', //20
    '}', //21
  ].join('\n');

  it('checkConfig collects independent errors of every section, in order, each at file:line:col', () => {
    const r = checkConfigText(text, F);
    expect(r.errors.map((e) => e.message)).toEqual([
      "k.conf:2:16: vrrp_version must be an integer 2..3, got '4'",
      "k.conf:6:12: priority must be an integer 1..255, got '300'",
      "k.conf:9:5: virtual_ipaddress: '192.0.2.300' is not an IPv4 or IPv6 address (IP or IP/len)",
      'k.conf:4:1: vrrp_instance A has no virtual_router_id; add `virtual_router_id 1..255`',
      'k.conf:13:1: vrrp_instance B has no interface; add `interface IFNAME`',
      "k.conf:19:7: vrrp_sync_group G: no vrrp_instance named 'C'; define it or fix the name",
    ]);
    expect(messages(r)).toEqual(["k.conf:7:3: unknown vrrp_instance keyword 'priorty'; ignored (did you mean 'priority'?)"]);
  });

  it('parseConfig throws a ConfigErrors: a ConfigError at the first error, carrying all', () => {
    let caught: unknown;
    try {
      parse(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toBeInstanceOf(ConfigErrors);
    const e = caught as ConfigErrors;
    expect([e.file, e.line, e.col, e.message]).toEqual([F, 2, 16, "k.conf:2:16: vrrp_version must be an integer 2..3, got '4'"]);
    expect(e.errors).toHaveLength(6);
  });

  it('goes on after a stray brace and an unterminated string', () => {
    const r = checkConfigText(`}\n${inst('  notify_master "/bin/x')}`, F);
    expect(r.errors.map((e) => e.message)).toEqual([
      'k.conf:6:17: unterminated quoted string; add the closing " on the same line',
      "k.conf:1:1: unexpected '}' with no open block; remove it or add the missing '{'",
      'k.conf:6:3: notify_master needs a command (quote it when it has arguments)',
    ]);
  });
});

describe('did you mean', () => {
  it.each([
    ['vrrp_instance', inst('  advert_itn 1'), "k.conf:5:3: unknown vrrp_instance keyword 'advert_itn'; ignored (did you mean 'advert_int'?)"],
    ['global_defs', 'global_defs {\n  router_ld x\n}\n', "k.conf:2:3: unknown or unsupported global_defs keyword 'router_ld'; ignored (did you mean 'router_id'?)"],
    ['top level', 'vrrp_instanse X {\n}\n', "k.conf:1:1: unknown top-level keyword 'vrrp_instanse'; ignored (did you mean 'vrrp_instance'?)"],
    ['vrrp_script', 'vrrp_script s {\n  script x\n  intreval 2\n}\n', "k.conf:3:3: unknown vrrp_script keyword 'intreval'; ignored (did you mean 'interval'?)"],
  ])('%s keywords within edit distance 2', (_b, text, message) => {
    expect(checkConfigText(text, F).warnings.map((w) => w.message)).toContain(message);
  });

  it('names the nearest tracker on a misspelt track_script entry', () => {
    expectConfigError(() => parse(`vrrp_script chk_web {\n  script x\n}\n${inst('  track_script {', '    chk_wbe', '  }')}`), F, 9, 5,
      "track_script: no vrrp_script named 'chk_wbe'; define `vrrp_script chk_wbe { ... }` or fix the name (did you mean 'chk_web'?)");
  });
});

describe('the config id (ParseOptions.configId, keepalived -i / --config-id)', () => {
  it('selects @ID lines in parseConfigText', () => {
    const text = inst('  @lb1 priority 200', '  @^lb1 priority 50');
    expect(parseConfigText(text, F, {}, { configId: 'lb1' }).config.instances[0].priority).toBe(200);
    expect(parseConfigText(text, F, {}, { configId: 'lb2' }).config.instances[0].priority).toBe(50);
  });
});

describe('vrrp_track_process and track_process', () => {
  const tp = 'vrrp_track_process haproxy {\n  process haproxy -f "/etc/h a.cfg"\n  param_match initial\n  weight -20 reverse\n  quorum 2\n  quorum_max 4\n  fork_delay 0.5\n  terminate_delay 2\n  full_command\n}\n';
  it('parses every keyword and tracks it from an instance, without a warning', () => {
    const r = parse(tp + inst('  track_process {', '    haproxy weight 10', '  }'));
    expect(r.config.trackProcesses).toEqual([{
      name: 'haproxy', at: { file: F, line: 1, col: 1 }, process: ['haproxy', '-f', '/etc/h a.cfg'], paramMatch: 'initial', paramMatchSet: true,
      weight: -20, weightReverse: true, quorum: 2, quorumMax: 4, forkDelayMs: 500, terminateDelayMs: 2000, fullCommand: true,
    }]);
    expect(r.config.instances[0].trackProcesses).toEqual([{ at: { file: F, line: 16, col: 5 }, name: 'haproxy', weight: 10, reverse: false }]);
    expect(messages(r)).toEqual([]);
  });
  it('keepalived 2.2.7 defaults: weight 0, quorum 1, unbounded; quorum_max 0 alone means quorum 0; bare param_match is exact', () => {
    const r = parse('vrrp_track_process a {\n  process nginx\n}\nvrrp_track_process b {\n  process nginx\n  quorum_max 0\n  param_match\n}\n');
    expect(r.config.trackProcesses.map((p) => [p.weight, p.quorum, p.quorumMax, p.paramMatch, p.paramMatchSet])).toEqual([[0, 1, undefined, 'exact', false], [0, 0, 0, 'exact', true]]);
  });
  it('warns about a process name longer than a comm (15 bytes) matched by comm', () => {
    const r = parse('vrrp_track_process a {\n  process haproxy-master-01\n}\nvrrp_track_process b {\n  process haproxy-master-01\n  full_command\n}\n');
    expect(messages(r)).toEqual(["k.conf:2:11: vrrp_track_process a: 'haproxy-master-01' is longer than the 15 bytes of a process name (/proc/PID/comm), so no process matches it; write the first 15 bytes or add full_command"]);
  });
  it('refuses an unknown process tracker, a missing process and quorum above quorum_max', () => {
    expectConfigError(() => parse(inst('  track_process {', '    nope', '  }')), F, 6, 5, "track_process: no vrrp_track_process named 'nope'; define `vrrp_track_process nope { ... }` or fix the name");
    expectConfigError(() => parse('vrrp_track_process p {\n  quorum 1\n}\n'), F, 1, 1, 'vrrp_track_process p has no process; add `process NAME [PARAMS]`');
    expectConfigError(() => parse('vrrp_track_process p {\n  process x\n  quorum 3\n  quorum_max 2\n}\n'), F, 3, 3, 'vrrp_track_process p: quorum 3 is above quorum_max 2; no process count can succeed');
    expectConfigError(() => parse('vrrp_track_process p {\n  process x\n  param_match exact\n}\n'), F, 3, 15, "param_match must be initial or partial (or nothing: an exact match), got 'exact'");
  });
});

describe('virtual_routes and virtual_rules', () => {
  it('parses keepalived\'s sample routes and rules into typed entries', () => {
    const r = parse(inst(
      '  virtual_routes {', //5
      '    src 192.168.100.1 to 192.168.109.0/24 via 192.168.200.254 dev eth1', //7
      '    192.168.111.0/24 dev eth2 no_track', //8
      '    192.168.113.0/24 via 192.168.200.254 or 192.168.100.254 dev eth1', //9
      '    blackhole 192.168.114.0/24', //10
      '    0.0.0.0/0 gw 192.168.0.1 table 100', //11
      '    192.168.100.0/24 table 6909 nexthop via 192.168.101.1 dev wlan0 onlink weight 1 nexthop via 192.168.101.2 dev wlan0 onlink weight 2', //12
      '    2001:db8::/64 dev eth0 metric 5 mtu 1400 append', //13
      '  }',
      '  virtual_rules {', //15
      '    from 192.168.2.0/24 table 1', //16
      '    to 192.168.2.0/24 table 1 no_track', //17
      '    from 192.168.28.0/24 to 192.168.29.0/26 table small iif p33p1 oif wlan0 tos 22 fwmark 24/12 preference 39 realms 30/20 goto 40', //18
      '  }',
    ));
    const [i] = r.config.instances;
    expect(i.virtualRoutes.map(({ at, ...rest }) => ({ line: at.line, ...rest }))).toEqual([
      { line: 6, family: 4, src: '192.168.100.1', to: '192.168.109.0/24', via: '192.168.200.254', dev: 'eth1', options: {}, flags: [], nexthops: [], noTrack: false },
      { line: 7, family: 4, to: '192.168.111.0/24', dev: 'eth2', options: {}, flags: [], nexthops: [], noTrack: true },
      { line: 8, family: 4, to: '192.168.113.0/24', via: '192.168.200.254', or: '192.168.100.254', dev: 'eth1', options: {}, flags: [], nexthops: [], noTrack: false },
      { line: 9, family: 4, type: 'blackhole', to: '192.168.114.0/24', options: {}, flags: [], nexthops: [], noTrack: false },
      { line: 10, family: 4, to: '0.0.0.0/0', via: '192.168.0.1', table: '100', options: {}, flags: [], nexthops: [], noTrack: false },
      { line: 11, family: 4, to: '192.168.100.0/24', table: '6909', options: {}, flags: [], noTrack: false,
        nexthops: [['via', '192.168.101.1', 'dev', 'wlan0', 'onlink', 'weight', '1'], ['via', '192.168.101.2', 'dev', 'wlan0', 'onlink', 'weight', '2']] },
      { line: 12, family: 6, to: '2001:db8::/64', dev: 'eth0', metric: '5', options: { mtu: '1400' }, flags: ['append'], nexthops: [], noTrack: false },
    ]);
    expect(i.virtualRules.map(({ at, ...rest }) => ({ line: at.line, ...rest }))).toEqual([
      { line: 15, family: 4, from: '192.168.2.0/24', table: '1', preference: '16384', options: {}, flags: [], noTrack: false },
      { line: 16, family: 4, to: '192.168.2.0/24', table: '1', preference: '16383', options: {}, flags: [], noTrack: true },
      { line: 17, family: 4, from: '192.168.28.0/24', to: '192.168.29.0/26', table: 'small', preference: '39', flags: [], noTrack: false,
        options: { iif: 'p33p1', oif: 'wlan0', tos: '22', fwmark: '24/12', realms: '30/20', goto: '40' } },
    ]);
    expect(messages(r)).toEqual([
      "k.conf:8:5: virtual_routes: this route is not installed: the alternative gateway 'or' is not supported",
      'k.conf:11:5: virtual_routes: this route is not installed: multipath routes (nexthop) are not supported',
      'k.conf:5:3: virtual_routes: vrrpd does not track its routes (one deleted by someone else stays deleted until the next MASTER transition, as with no_track)',
      "k.conf:17:5: virtual_rules: this rule is not installed: table 'small' is not a number, main, local or default (give its number from /etc/iproute2/rt_tables); realms is not supported",
      'k.conf:14:3: virtual_rules: vrrpd does not track its rules (one deleted by someone else stays deleted until the next MASTER transition, as with no_track)',
      'k.conf:15:5: virtual_rules: this rule has no preference; it gets 16384, as keepalived assigns it (16384 down in configuration order), which is probably not what you want: add `preference N`',
      'k.conf:16:5: virtual_rules: this rule has no preference; it gets 16383, as keepalived assigns it (16384 down in configuration order), which is probably not what you want: add `preference N`',
    ]);
    // What is installed: protocol 18 (keepalived), tables and metrics resolved; 'or', nexthop and table 'small' left out.
    const { routes, rules } = routingOf(i);
    expect(routes.map(routeText)).toEqual([
      '192.168.109.0/24 src 192.168.100.1 via 192.168.200.254 dev eth1 proto 18',
      '192.168.111.0/24 dev eth2 proto 18',
      'blackhole 192.168.114.0/24 proto 18',
      '0.0.0.0/0 via 192.168.0.1 table 100 proto 18',
      '2001:db8::/64 dev eth0 metric 5 proto 18 mtu 1400',
    ]);
    expect(routes[4].append).toBe(true);
    expect(rules.map(ruleText)).toEqual(['from 192.168.2.0/24 lookup 1 pref 16384 proto 18', 'from all to 192.168.2.0/24 lookup 1 pref 16383 proto 18']);
  });
  it('applies VIP options: label, scope, brd +, peer, flags and preferred_lft; warns about a per-VIP use_vmac', () => {
    const r = parse(['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '  virtual_ipaddress {',
      '    192.0.2.10/24 label eth0:1 scope link brd + noprefixroute home', '    192.0.2.11 peer 192.0.2.99 preferred_lft 0 no_track', '    192.0.2.12 use_vmac', '  }', '}', ''].join('\n'));
    expect(messages(r)).toEqual(["k.conf:7:5: virtual_ipaddress 192.0.2.12: use_vmac on an address (a vmac per VIP is not supported; use the instance's use_vmac); the address is added without it"]);
    expect(vipSpecsOf(r.config.instances[0])).toEqual([
      { dev: 'eth0', cidr: '192.0.2.10/24', options: { label: 'eth0:1', scope: 253, broadcast: '192.0.2.255', noprefixroute: true, home: true } },
      { dev: 'eth0', cidr: '192.0.2.11/32', options: { peer: '192.0.2.99', preferredLftS: 0 } },
      { dev: 'eth0', cidr: '192.0.2.12/32' },
    ]);
  });
  it('a rule table, fwmark, goto, action and ip_proto are resolved; a bad value leaves the rule out', () => {
    const r = parse(inst('  virtual_rules {', '    not from 198.51.100.0/24 fwmark 0x10/0xff iif eth0 preference 10 table 100', '    to 203.0.113.0/24 goto 40 preference 11',
      '    from all ip_proto tcp dport 80-88 prohibit preference 12', '    from all fwmark x table 1 preference 13 no_track', '  }'));
    expect(routingOf(r.config.instances[0]).rules.map(ruleText)).toEqual([
      'not from 198.51.100.0/24 fwmark 16/255 iif eth0 lookup 100 pref 10 proto 18',
      'from all to 203.0.113.0/24 goto 40 pref 11 proto 18',
      'from all ipproto 6 dport 80-88 prohibit pref 12 proto 18',
    ]);
    expect(messages(r)).toContain("k.conf:9:5: virtual_rules: this rule is not installed: fwmark 'x' is not valid");
  });
  it('refuses an unknown option, a bad address and mixed families, each at its word', () => {
    const r = checkConfigText(inst('  virtual_routes {', '    10.0.0.0/8 via 10.0.0.300', '    10.0.0.0/8 wiblle 3', '    10.0.0.0/8 via 2001:db8::1', '  }', '  virtual_rules {', '    from 10.0.0.0/8 lookupp 5', '  }'), F);
    expect(r.errors.map((e) => e.message)).toEqual([
      "k.conf:6:20: via: '10.0.0.300' is not an IPv4 or IPv6 gateway address",
      "k.conf:7:16: virtual_routes: unknown route option 'wiblle' (keepalived takes ip route's full option names)",
      "k.conf:8:20: virtual_routes: '2001:db8::1' is IPv6 but the route is IPv4; use one family per route",
      "k.conf:11:21: virtual_rules: unknown rule selector 'lookupp' (keepalived takes ip rule's full names: from, to, table, preference, iif, oif, fwmark, ...)",
    ]);
  });
});

describe('sync groups: trackers, weights, notify', () => {
  const scripts = 'vrrp_script chk {\n  script /bin/true\n  weight -20\n}\ntrack_file tf {\n  file /run/x\n}\nvrrp_track_process p {\n  process nginx\n}\n';
  const group = (...extra: string[]): string => `${scripts}${inst('  track_script {', '    chk', '  }')}vrrp_sync_group G {\n  group {\n    VI_1\n  }\n${extra.join('\n')}\n}\n`;
  it('reads track_interface / track_script / track_file / track_process of a group, without a warning (they act on every member)', () => {
    const r = parse(group('  track_interface {\n    eth1 weight 5\n  }', '  track_script {\n    chk weight -5 reverse\n  }', '  track_file {\n    tf\n  }', '  track_process {\n    p weight 3\n  }', '  sync_group_tracking_weight'));
    const [g] = r.config.syncGroups;
    expect(g.trackingWeight).toBe(true);
    expect([g.trackInterfaces, g.trackScripts, g.trackFiles, g.trackProcesses].map((l) => l.map((x) => [x.name, x.weight, x.reverse]))).toEqual([
      [['eth1', 5, false]], [['chk', -5, true]], [['tf', undefined, false]], [['p', 3, false]],
    ]);
    expect(r.config.instances[0].trackScripts[0].weight).toBeUndefined(); // kept: sync_group_tracking_weight
    expect(messages(r)).toEqual([]);
  });
  it('without sync_group_tracking_weight a member instance\'s tracker weight becomes 0, as keepalived does, with a warning', () => {
    const r = parse(group());
    expect(r.config.instances[0].trackScripts[0].weight).toBe(0);
    expect(messages(r)).toContain('k.conf:16:5: track_script chk of vrrp_instance VI_1 has weight -20, but VI_1 is in vrrp_sync_group G: its weight is set to 0 (a failure means FAULT), as keepalived does; add sync_group_tracking_weight to the group to keep it');
  });
  it('without sync_group_tracking_weight the group\'s own tracker weights become 0 too', () => {
    const r = parse(group('  track_script {\n    chk\n  }', '  track_process {\n    p weight 3\n  }'));
    const [g] = r.config.syncGroups;
    expect([g.trackScripts[0].weight, g.trackProcesses[0].weight]).toEqual([0, 0]);
    expect(messages(r)).toContain('k.conf:27:5: track_process p of vrrp_sync_group G has weight 3, but the group has no sync_group_tracking_weight: its weight is set to 0 (a failure means FAULT), as keepalived does; add sync_group_tracking_weight to the group to keep it');
  });
  it('notify CMD [username [groupname]]: the user is not part of the command, and is applied (no warning)', () => {
    const r = parse(inst('  notify_master "/bin/m x" alice staff', '  notify /bin/any'));
    expect(r.config.instances[0].notify).toEqual({ master: '/bin/m x', any: '/bin/any' });
    expect(r.config.instances[0].notifyUsers).toEqual({ master: { user: 'alice', group: 'staff' } });
    expect(messages(r)).toEqual([]);
  });
});

describe('requested wordings and keepalived\'s own', () => {
  it('LVS keywords: IPVS connection sync and virtual_server (with its real_server blocks, one warning)', () => {
    const text = `global_defs {\n  lvs_sync_daemon eth0 VI_1\n  lvs_flush\n  lvs_timeouts tcp 900\n}\n${inst('  lvs_sync_daemon_interface eth0')}virtual_server 192.0.2.1 80 {\n  real_server 10.0.0.1 80 {\n    TCP_CHECK {\n    }\n  }\n}\n`;
    const sync = "is keepalived's IPVS connection sync, not VRRP; vrrpd ignores it (run the IPVS sync daemon with ipvsadm --start-daemon on each director)";
    expect(messages(parse(text))).toEqual([
      `k.conf:2:3: lvs_sync_daemon ${sync}`,
      `k.conf:3:3: lvs_flush ${sync}`,
      `k.conf:4:3: lvs_timeouts ${sync}`,
      `k.conf:10:3: lvs_sync_daemon_interface ${sync}`,
      "k.conf:12:1: virtual_server is keepalived's LVS/IPVS checker, not VRRP; vrrpd ignores it and its real_server blocks (vrrpd moves the VIP only: configure IPVS with ipvsadm on each director)",
    ]);
  });
  it('interface lo is refused as keepalived does ("cannot use a loopback interface (lo) for vrrp")', () => {
    const text = 'vrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 51\n  virtual_ipaddress { 192.0.2.1 }\n}\n';
    expect(checkConfigText(text, F).errors.map((e) => e.message)).toEqual([
      'k.conf:2:13: (VI_1) cannot use a loopback interface (lo) for vrrp: keepalived ignores it and the instance has no interface; use the interface facing the other routers',
    ]);
  });
  it('vrrp_min_garp sends one GARP and no second burst', () => {
    const g = parse(`global_defs {\n  vrrp_min_garp\n}\n${inst()}`).config.global;
    expect([g.minGarp, g.garpMasterRepeat, g.garpMasterDelayMs]).toEqual([true, 1, 0]);
  });
  it('non-VRRP global_defs keywords are warned with their reason, none silently', () => {
    expect(messages(parse(`global_defs {\n  notification_email {\n    a@b\n  }\n  enable_snmp_vrrp\n  vrrp_iptables\n}\n${inst()}`))).toEqual([
      "k.conf:2:3: notification_email is keepalived's e-mail alerting; vrrpd sends no e-mail and ignores it (send mail from a notify script)",
      'k.conf:5:3: enable_snmp_vrrp is SNMP/DBus, which vrrpd does not offer; ignored (use `vrrpd status` or the metrics)',
      'k.conf:6:3: vrrp_iptables configures the firewall keepalived uses for no_accept and VMACs; vrrpd ignores it (its no_accept drops live in its own nftables table, inet vrrpd)',
    ]);
  });
});

describe('script checks (checkScriptSecurity, checkScriptFiles) over a stat-like lookup', () => {
  const st = (uid: number, gid: number, mode: number, dir = false): StatLike => ({ uid, gid, mode, isFile: () => !dir, isDirectory: () => dir });
  const table: Record<string, StatLike> = {
    '/': st(0, 0, 0o40755, true),
    '/etc': st(0, 0, 0o40755, true),
    '/etc/keepalived': st(0, 0, 0o40755, true),
    '/etc/keepalived/ok.sh': st(0, 0, 0o100755),
    '/etc/keepalived/noexec.sh': st(0, 0, 0o100644),
    '/home': st(0, 0, 0o40755, true),
    '/home/u': st(1000, 1000, 0o40755, true),
    '/home/u/chk.sh': st(0, 0, 0o100755),
    '/tmp': st(0, 0, 0o41777, true),
    '/tmp/chk.sh': st(0, 0, 0o100755),
    '/etc/keepalived/gw.sh': st(0, 50, 0o100775),
  };
  const stat = (p: string): StatLike | undefined => table[p];
  const conf = (security: boolean, user = ''): string => `global_defs {\n${security ? '  enable_script_security\n' : ''}${user}}\n` + ['ok', 'noexec', 'gone'].map((n) => `vrrp_script ${n} {\n  script "/etc/keepalived/${n}.sh arg"\n}\n`).join('') +
    'vrrp_script home {\n  script /home/u/chk.sh\n}\nvrrp_script tmp {\n  script /tmp/chk.sh\n}\nvrrp_script gw {\n  script /etc/keepalived/gw.sh\n}\nvrrp_script rel {\n  script "check.sh"\n}\n' +
    inst('  notify_master /tmp/chk.sh');

  it('under enable_script_security, a root script writable by non-root (itself or a directory on its path) is an error', () => {
    const r = checkConfigText(conf(true), F);
    expect(checkScriptSecurity(r.config, stat).map((e) => e.message)).toEqual([
      'k.conf:13:1: vrrp_script home: /home/u/chk.sh runs as root but /home/u is owned by uid 1000, not root; under enable_script_security keepalived refuses to run it: make the script and its directories owned by root and not group- or world-writable, or run it as another user (`user` / script_user)',
      'k.conf:16:1: vrrp_script tmp: /tmp/chk.sh runs as root but /tmp is writable by everyone (mode 1777); under enable_script_security keepalived refuses to run it: make the script and its directories owned by root and not group- or world-writable, or run it as another user (`user` / script_user)',
      'k.conf:19:1: vrrp_script gw: /etc/keepalived/gw.sh runs as root but /etc/keepalived/gw.sh is writable by group 50 (mode 775); under enable_script_security keepalived refuses to run it: make the script and its directories owned by root and not group- or world-writable, or run it as another user (`user` / script_user)',
      'k.conf:10:1: vrrp_script gone: /etc/keepalived/gone.sh runs as root but /etc/keepalived/gone.sh cannot be examined; under enable_script_security keepalived refuses to run it: make the script and its directories owned by root and not group- or world-writable, or run it as another user (`user` / script_user)',
      'k.conf:25:1: vrrp_instance VI_1 notify_master: /tmp/chk.sh runs as root but /tmp is writable by everyone (mode 1777); under enable_script_security keepalived refuses to run it: make the script and its directories owned by root and not group- or world-writable, or run it as another user (`user` / script_user)',
    ].sort((a, b) => Number(/:(\d+):/.exec(a)?.[1]) - Number(/:(\d+):/.exec(b)?.[1])));
  });

  it('checks nothing without enable_script_security, and nothing for scripts run as another user', () => {
    expect(checkScriptSecurity(checkConfigText(conf(false), F).config, stat)).toEqual([]);
    expect(checkScriptSecurity(checkConfigText(conf(true, '  script_user nobody\n'), F).config, stat)).toEqual([]);
  });

  it('warns about a vrrp_script that does not exist or is not executable, as keepalived ("Disabling track script ...")', () => {
    expect(checkScriptFiles(checkConfigText(conf(false), F).config, stat).map((w) => w.message)).toEqual([
      'k.conf:6:1: vrrp_script noexec: /etc/keepalived/noexec.sh is not executable; keepalived disables it ("Disabling track script noexec since not found/accessible") and vrrpd would count every run as a failure; fix the path or `chmod +x` it',
      'k.conf:9:1: vrrp_script gone: /etc/keepalived/gone.sh does not exist; keepalived disables it ("Disabling track script gone since not found/accessible") and vrrpd would count every run as a failure; fix the path or `chmod +x` it',
    ]);
  });
});
