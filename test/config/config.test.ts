import * as path from 'node:path';
import { loadConfig, parseConfigText, toRouterConfig, type ParseResult } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { resolveConfig } from '../../lib/fsm/config';

const F = 'k.conf';
const parse = (text: string): ParseResult => parseConfigText(text, F);
const messages = (r: ParseResult): string[] => r.warnings.map((w) => w.message);

describe('seed keepalived.conf', () => {
  const file = path.join(__dirname, 'fixtures', 'seed-keepalived.conf');
  const { config, warnings } = loadConfig(file);

  it('parses with one warning: its vrrp_script is tracked by no instance', () => {
    expect(warnings.map((w) => w.message)).toEqual([`${file}:20:1: vrrp_script chk_http_port is defined but no vrrp_instance tracks it (track_script); it never changes a priority`]);
    expect(config.global.routerId).toBe('node1');
  });

  it('gives the typed instance and script', () => {
    const [vi] = config.instances;
    expect(vi).toMatchObject({
      name: 'VI_1', state: 'MASTER', interface: 'ens33', vrid: 10, priority: 100, advertIntervalCs: 100, version: 2, family: 4,
      preempt: true, authPass: '1111', accept: true, virtualAddresses: [{ address: '192.0.2.100', family: 4, at: { file, line: 16, col: 3 } }],
    });
    expect(config.scripts).toEqual([
      { name: 'chk_http_port', at: { file, line: 20, col: 1 }, script: '/usr/local/src/check_nginx_pid.sh', intervalMs: 1000, timeoutMs: 1000, weight: -2, weightReverse: false, rise: 1, fall: 1, initFail: false },
    ]);
  });

  it('maps to a RouterConfig the fsm accepts', () => {
    const rc = toRouterConfig(config.instances[0], config.global, '192.0.2.1');
    expect(rc).toMatchObject({ name: 'VI_1', vrid: 10, version: 2, family: 4, priority: 100, intervalCs: 100, virtualAddresses: ['192.0.2.100'], primaryAddress: '192.0.2.1', preempt: true, initialState: 'MASTER', lowerPrioNoAdvert: false, acceptMode: true });
    expect(Array.from(rc.auth?.data ?? [])).toEqual([0x31, 0x31, 0x31, 0x31]);
    const resolved = resolveConfig(rc);
    expect(resolved.authType).toBe(1);
  });

  it('reports a missing file with its name', () => {
    expect(() => loadConfig(path.join(__dirname, 'fixtures', 'missing.conf'))).toThrow(ConfigError);
  });
});

describe('a full configuration', () => {
  const text = [
    'global_defs {', //1
    '  router_id lb1', //2
    '  vrrp_version 3', //3
    '  vrrp_garp_master_delay 2', //4
    '  vrrp_garp_master_repeat 3', //5
    '  vrrp_garp_master_refresh 60', //6
    '  vrrp_garp_master_refresh_repeat 2', //7
    '  vrrp_garp_interval 0.001', //8
    '  vrrp_gna_interval 0.000001', //9
    '  vrrp_lower_prio_no_advert', //10
    '  vrrp_check_unicast_src', //11
    '  vrrp_skip_check_adv_addr false', //12
    '  enable_script_security', //13
    '  script_user nobody nogroup', //14
    '  notification_email_from a@example.com', //15
    '  lvs_id x', //16
    '}', //17
    'vrrp_script chk_web {', //18
    '  script "/usr/bin/curl -sf http://198.51.100.7/"', //19
    '  interval 2', //20
    '  timeout 1.5', //21
    '  weight -20 reverse', //22
    '  rise 2', //23
    '  fall 3', //24
    '  user www www', //25
    '  init_fail', //26
    '}', //27
    'track_file tf {', //28
    '  file "/run/vrrp/prio"', //29
    '  weight 5 reverse', //30
    '  init_file 7 overwrite', //31
    '}', //32
    'vrrp_instance V4 {', //33
    '  state BACKUP', //34
    '  interface eth0', //35
    '  virtual_router_id 51', //36
    '  priority 150', //37
    '  advert_int 0.1', //38
    '  nopreempt', //39
    '  preempt_delay 2.5', //40
    '  virtual_ipaddress {', //41
    '    192.0.2.10/24 dev eth0 label eth0:1 scope global brd 192.0.2.255', //42
    '    192.0.2.11', //43
    '  }', //44
    '  virtual_ipaddress_excluded {', //45
    '    2001:db8::10/64', //46
    '  }', //47
    '  track_interface {', //48
    '    eth1 weight -10', //49
    '    eth2', //50
    '  }', //51
    '  track_script {', //52
    '    chk_web weight 30 reverse', //53
    '  }', //54
    '  track_file {', //55
    '    tf weight -254', //56
    '  }', //57
    '  unicast_src_ip 192.0.2.2', //58
    '  unicast_peer {', //59
    '    192.0.2.3', //60
    '    198.51.100.4', //61
    '  }', //62
    '  use_vmac vrrp.51', //63
    '  vmac_xmit_base', //64
    '  garp_master_delay 1', //65
    '  garp_master_repeat 2', //66
    '  garp_master_refresh 30', //67
    '  garp_master_refresh_repeat 4', //68
    '  lower_prio_no_advert false', //69
    '  v3_checksum_as_v2', //70
    '  no_accept', //71
    '  notify_master "/etc/keepalived/notify.sh master"', //72
    '  notify_backup /etc/keepalived/backup.sh', //73
    '  notify_fault "/x fault"', //74
    '  notify_stop "/x stop"', //75
    '  notify "/x any"', //76
    '  dont_track_primary', //77
    '  strict_mode false', //78
    '  smtp_alert', //79
    '  mcast_src_ip 192.0.2.2', //80
    '  garp_lower_prio_repeat 1', //81
    '}', //82
    'vrrp_instance V6 {', //83
    '  interface eth0', //84
    '  virtual_router_id 51', //85
    '  virtual_ipaddress {', //86
    '    fe80::1', //87
    '    2001:db8::1', //88
    '  }', //89
    '}', //90
    'vrrp_sync_group G {', //91
    '  group {', //92
    '    V4 V6', //93
    '  }', //94
    '  notify_master "/g master"', //95
    '}', //96
    'virtual_server 192.0.2.10 80 {', //97
    '}', //98
  ].join('\n');
  const r = parse(text);
  const { global, instances, scripts, trackFiles, syncGroups } = r.config;

  it('reads global_defs with units converted', () => {
    expect(global).toEqual({
      routerId: 'lb1', vrrpVersion: 3, vrrpVersionSet: true, garpMasterDelayMs: 2000, garpMasterRepeat: 3, garpMasterRefreshMs: 60000,
      garpMasterRefreshRepeat: 2, garpIntervalUs: 1000, gnaIntervalUs: 1, lowerPrioNoAdvert: true, strict: false, checkUnicastSrc: true,
      skipCheckAdvAddr: false, enableScriptSecurity: true, scriptUser: { user: 'nobody', group: 'nogroup' },
      minGarp: false, higherPrioSendAdvert: false, notifyPriorityChanges: false, fifoWriteStatesOnReload: false, logUnknownVrids: false,
    });
  });

  it('reads vrrp_script and track_file', () => {
    expect(scripts[0]).toEqual({
      name: 'chk_web', at: { file: F, line: 18, col: 1 }, script: '/usr/bin/curl -sf http://198.51.100.7/', intervalMs: 2000, timeoutMs: 1500,
      weight: -20, weightReverse: true, rise: 2, fall: 3, user: { user: 'www', group: 'www' }, initFail: true,
    });
    expect(trackFiles).toEqual([{ name: 'tf', at: { file: F, line: 28, col: 1 }, file: '/run/vrrp/prio', weight: 5, weightReverse: true, initFile: { value: 7, overwrite: true } }]);
  });

  it('reads every instance keyword', () => {
    const v4 = instances[0];
    expect(v4).toMatchObject({
      name: 'V4', state: 'BACKUP', interface: 'eth0', vrid: 51, priority: 150, advertIntervalCs: 10, version: 3, family: 4, preempt: false,
      preemptDelayCs: 250, unicastSrcIp: '192.0.2.2', mcastSrcIp: '192.0.2.2', unicastPeers: ['192.0.2.3', '198.51.100.4'], useVmac: { name: 'vrrp.51' },
      vmacXmitBase: true, garpMasterDelayMs: 1000, garpMasterRepeat: 2, garpMasterRefreshMs: 30000, garpMasterRefreshRepeat: 4,
      lowerPrioNoAdvert: false, v3ChecksumAsV2: true, accept: false, dontTrackPrimary: true, strictMode: false,
      notify: { master: '/etc/keepalived/notify.sh master', backup: '/etc/keepalived/backup.sh', fault: '/x fault', stop: '/x stop', any: '/x any' },
    });
    expect(v4.virtualAddresses).toEqual([
      { at: { file: F, line: 42, col: 5 }, address: '192.0.2.10', family: 4, prefixLength: 24, dev: 'eth0', label: 'eth0:1', scope: 'global', brd: '192.0.2.255' },
      { at: { file: F, line: 43, col: 5 }, address: '192.0.2.11', family: 4 },
    ]);
    expect(v4.virtualAddressesExcluded).toEqual([{ at: { file: F, line: 46, col: 5 }, address: '2001:db8::10', family: 6, prefixLength: 64 }]);
    expect(v4.trackInterfaces).toEqual([
      { at: { file: F, line: 49, col: 5 }, name: 'eth1', weight: -10, reverse: false },
      { at: { file: F, line: 50, col: 5 }, name: 'eth2', reverse: false },
    ]);
    // V4 is in sync group G without sync_group_tracking_weight: keepalived sets member tracker weights to 0.
    expect(v4.trackScripts).toEqual([{ at: { file: F, line: 53, col: 5 }, name: 'chk_web', weight: 0, reverse: true }]);
    expect(v4.trackFiles).toEqual([{ at: { file: F, line: 56, col: 5 }, name: 'tf', weight: 0, reverse: false }]);
  });

  it('lets IPv4 and IPv6 instances share a VRID on one interface; IPv6 defaults to v3', () => {
    expect(instances[1]).toMatchObject({ name: 'V6', family: 6, version: 3, vrid: 51, state: 'BACKUP', priority: 100, advertIntervalCs: 100, accept: true });
    expect(syncGroups).toEqual([{
      name: 'G', at: { file: F, line: 91, col: 1 }, instances: ['V4', 'V6'], notify: { master: '/g master' }, trackInterfaces: [], trackScripts: [],
      trackFiles: [], trackProcesses: [], trackingWeight: false, notifyUsers: {},
    }]);
  });

  it('warns, with file:line:col, about what it ignores', () => {
    expect(messages(r)).toEqual([
      "k.conf:15:3: notification_email_from is keepalived's e-mail alerting; vrrpd sends no e-mail and ignores it (send mail from a notify script)",
      "k.conf:16:3: lvs_id is keepalived's IPVS connection sync, not VRRP; vrrpd ignores it (run the IPVS sync daemon with ipvsadm --start-daemon on each director)",
      "k.conf:79:3: smtp_alert is keepalived's e-mail alerting; vrrpd sends no e-mail and ignores it (send mail from a notify script)",
      'k.conf:53:5: track_script chk_web of vrrp_instance V4 has weight 30, but V4 is in vrrp_sync_group G: its weight is set to 0 (a failure means FAULT), as keepalived does; add sync_group_tracking_weight to the group to keep it',
      'k.conf:56:5: track_file tf of vrrp_instance V4 has weight -254, but V4 is in vrrp_sync_group G: its weight is set to 0 (a failure means FAULT), as keepalived does; add sync_group_tracking_weight to the group to keep it',
      "k.conf:97:1: virtual_server is keepalived's LVS/IPVS checker, not VRRP; vrrpd ignores it and its real_server blocks (vrrpd moves the VIP only: configure IPVS with ipvsadm on each director)",
    ]);
  });

  it('maps both instances to RouterConfigs the fsm accepts', () => {
    const v4 = toRouterConfig(instances[0], global, '192.0.2.2');
    expect(v4).toMatchObject({ intervalCs: 10, preempt: false, preemptDelayCs: 250, lowerPrioNoAdvert: false, acceptMode: false, initialState: 'BACKUP' });
    expect(v4.auth).toBeUndefined();
    expect(() => resolveConfig(v4)).not.toThrow();
    const v6 = toRouterConfig(instances[1], global, 'fe80::2');
    expect(v6).toMatchObject({ family: 6, version: 3, virtualAddresses: ['fe80::1', '2001:db8::1'], lowerPrioNoAdvert: true });
    expect(() => resolveConfig(v6)).not.toThrow();
  });
});

describe('small forms', () => {
  const base = (...body: string[]): string =>
    ['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 7', '  virtual_ipaddress { 192.0.2.1 }', ...body, '}'].join('\r\n');

  it('accepts CRLF line endings and one-line blocks', () => {
    const r = parse(base('  priority 20'));
    expect(r.warnings).toEqual([]);
    expect(r.config.instances[0]).toMatchObject({ priority: 20, virtualAddresses: [{ address: '192.0.2.1', at: { line: 4, col: 23 } }] });
  });

  it('reads <BOOL> values, use_vmac without a name, and preempt after nopreempt', () => {
    const i = parse(base('  use_vmac', '  lower_prio_no_advert off', '  strict_mode yes', '  nopreempt', '  preempt')).config.instances[0];
    // strict mode cannot clear lower_prio_no_advert (keepalived resets it, with a warning).
    expect(i).toMatchObject({ useVmac: {}, lowerPrioNoAdvert: true, strictMode: true, preempt: true, accept: false });
    expect(parse(base('  lower_prio_no_advert off')).config.instances[0].lowerPrioNoAdvert).toBe(false);
  });

  it('uses the global vrrp_version for IPv4 and v3 for IPv6 unless `version` is written', () => {
    const g = 'global_defs {\n  vrrp_version 3\n}\n';
    expect(parse(g + base()).config.instances[0].version).toBe(3);
    expect(parse(g + base('  version 2')).config.instances[0].version).toBe(2);
    const v6 = ['vrrp_instance V6 {', '  interface eth0', '  virtual_router_id 7', '  virtual_ipaddress {', '    fe80::7', '  }', '}'].join('\n');
    expect(parse(v6).config.instances[0]).toMatchObject({ version: 3, family: 6 });
  });
});
