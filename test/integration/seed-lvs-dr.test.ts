/**
 * The seed's LVS-DR director pair ("部署DR") as far as VRRP carries it, on a namespace LAN: two directors
 * (dr1 192.0.2.1, dr2 192.0.2.2) running vrrpd with the seed's keepalived.conf plus what an LVS keepalived.conf
 * adds (`lvs_sync_daemon_interface`, a `virtual_server` DR block with the seed's two weighted real servers),
 * two real servers (192.0.2.11, .12) holding the VIP on lo with the seed's rs.sh ARP settings, and an
 * observer (192.0.2.50). IPVS is not in this kernel, so no packet is balanced: the test proves what VRRP
 * owes the director, i.e. the VIP on the master only (the LAN resolves it to the master's MAC, not to a
 * real server's), a gratuitous ARP from the new director on takeover that moves the observer's neighbour
 * entry, and a `vrrpd -t` warning naming file:line for the LVS keywords vrrpd ignores.
 */
import { ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeArp, ARP_OP_REPLY } from '../../lib/packet/arp';
import { decodeEthernet, ETHERTYPE_ARP } from '../../lib/packet/ethernet';
import { readCapture } from '../../lib/pcap';
import { announcements } from '../helpers/announcements';
import { nsSysctl, renumber } from '../helpers/http';
import { seedKeepalivedConf } from '../helpers/lb';
import { Host, nsExec, netnsSkipReason, REPO_ROOT } from '../helpers/netns';
import { addressesOf, hasCommand, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason() ?? (hasCommand('tcpdump') ? null : 'tcpdump not installed: seed LVS-DR directors skipped');
if (skip) console.log(`seed LVS-DR directors: ${skip}`);
const d = skip ? describe.skip : describe;

const VIP = '192.0.2.100';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The LVS part of a director's keepalived.conf: the seed's `ipvsadm -A -t VIP:80 -s wrr`, `-a -r RS -g -w 2|1`. */
const VIRTUAL_SERVER = `virtual_server ${VIP} 80 {
	delay_loop 6
	lb_algo wrr
	lb_kind DR
	persistence_timeout 50
	protocol TCP
	real_server 192.0.2.11 80 {
		weight 2
		TCP_CHECK {
			connect_timeout 3
		}
	}
	real_server 192.0.2.12 80 {
		weight 1
		TCP_CHECK {
			connect_timeout 3
		}
	}
}
`;
const directorConf = (routerId: string, state: 'MASTER' | 'BACKUP', priority: number): string =>
  seedKeepalivedConf({ routerId, state, priority, vip: `${VIP}/24`, instanceExtra: '\tlvs_sync_daemon_interface eth0\n', tail: VIRTUAL_SERVER });

/** 1-based number of the first line of `text` starting (after white space) with `keyword`. */
const lineOf = (text: string, keyword: string): number => text.split('\n').findIndex((l) => l.trim().startsWith(`${keyword} `)) + 1;

/** The observer's neighbour entry for the VIP (its MAC), after a TCP connect to VIP:80 if `touch`. */
function observerSees(obs: Host, touch: boolean): string | undefined {
  if (touch) {
    // No listener on a director without IPVS: an RST is enough, what matters is the ARP resolution.
    const js = `require('net').connect(80,${JSON.stringify(VIP)}).on('connect',()=>process.exit(0)).on('error',()=>process.exit(0)).setTimeout(1500,()=>process.exit(0))`;
    nsExec(obs.ns, process.execPath, ['-e', js], 5000);
  }
  const out = execFileSync('ip', ['-n', obs.ns, '-j', 'neigh', 'show', VIP, 'dev', 'eth0'], { encoding: 'utf8' });
  const [entry] = JSON.parse(out || '[]') as Array<{ lladdr?: string }>;
  return entry?.lladdr;
}

d('seed: LVS-DR director pair (vrrpd with the seed keepalived.conf and a virtual_server block)', () => {
  const env = useLan('slv', 5, (lan) => [50, 11, 12].forEach((n, i) => renumber(lan.hosts[2 + i], n)));

  test('vrrpd -t warns about virtual_server and lvs_sync_daemon_interface at file:line and runs the VRRP part', () => {
    const conf = directorConf('LVS_DR1', 'MASTER', 100);
    const file = path.join(env.peers().dir, 'lvs-dr1.conf');
    writeFileSync(file, conf);
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'vrrpd'), '-t', '-f', file], { encoding: 'utf8' });
    console.log(`seed LVS-DR: vrrpd -t stderr:\n${r.stderr}vrrpd -t stdout: ${r.stdout}`);
    expect(r.status).toBe(0);
    const warnings = r.stderr.split('\n').filter(Boolean);
    const at = (keyword: string): string[] => warnings.filter((w) => w.includes(`${file}:${lineOf(conf, keyword)}:`) && w.includes(keyword));
    expect(at('lvs_sync_daemon_interface')).toHaveLength(1);
    expect(at('virtual_server')).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    expect(r.stdout).toContain('1 instance(s)');
  });

  test('the VIP is on the master director only; on takeover the new one announces it (gratuitous ARP) and the LAN follows', async () => {
    const lan = env.lan();
    const peers = env.peers();
    const [dr1, dr2, obs, ...realServers] = lan.hosts;
    // The seed's rs.sh: the VIP on lo (/32) and no ARP answers or announcements for it from a real server.
    for (const rs of realServers) {
      execFileSync('ip', ['-n', rs.ns, 'addr', 'add', `${VIP}/32`, 'dev', 'lo']);
      for (const s of ['lo.arp_ignore=1', 'lo.arp_announce=2', 'all.arp_ignore=1', 'all.arp_announce=2']) nsSysctl(rs, `net.ipv4.conf.${s}`);
    }
    const holds = (h: Host): boolean => addressesOf(h).includes(VIP);
    const stopCapture = await peers.tcpdump(obs.ns, 'eth0', 'obs', ['arp or ip proto 112']);
    let a: ChildProcess | null = await peers.vrrpd(dr1, 'vrrpd-dr1', directorConf('LVS_DR1', 'MASTER', 100));
    await waitFor('dr1 (state MASTER, 100) to hold the VIP', () => holds(dr1), 8000);
    const b = await peers.vrrpd(dr2, 'vrrpd-dr2', directorConf('LVS_DR2', 'BACKUP', 99));
    await sleep(1500);
    expect([holds(dr1), holds(dr2)]).toEqual([true, false]);
    expect(observerSees(obs, true)).toBe(dr1.mac);

    // dr1 stops (SIGTERM: priority 0); dr2 takes over after its Skew_Time ((256 - 99) / 256 s = 0.613 s).
    const stopped = Date.now();
    await peers.stop(a);
    a = null;
    await waitFor('dr2 to hold the VIP alone', () => holds(dr2) && !holds(dr1), 613 + 3000);
    const tookOver = Date.now() - stopped;
    // The gratuitous ARP alone moves the observer's entry: no request from it in between.
    const moved = await waitFor("the observer's neighbour entry to follow dr2", () => observerSees(obs, false) === dr2.mac, 3000);
    console.log(`seed LVS-DR: dr2 holds the VIP ${tookOver} ms after dr1 stopped; the observer's entry for the VIP moved to dr2 ${moved} ms later`);
    expect(observerSees(obs, true)).toBe(dr2.mac);
    await peers.stop(b);
    const { frames } = readCapture(readFileSync(await stopCapture()));

    const garps = announcements(frames).filter((x) => x.ip === VIP);
    const fromDr2 = garps.filter((x) => x.srcMac === dr2.mac && x.time * 1000 >= stopped);
    expect(fromDr2.length).toBeGreaterThan(0);
    expect(fromDr2.every((x) => x.mac === dr2.mac)).toBe(true);
    expect(fromDr2[0].time * 1000 - stopped).toBeLessThan(613 + 3000);
    expect(garps.filter((x) => x.time * 1000 < stopped).every((x) => x.srcMac === dr1.mac && x.mac === dr1.mac)).toBe(true);
    // Only the directors ever answered ARP for the VIP, and only one at a time: before the stop dr1, after it dr2.
    const replies: Array<{ time: number; mac: string }> = [];
    for (const f of frames) {
      const eth = decodeEthernet(f.data);
      if (eth.etherType !== ETHERTYPE_ARP) continue;
      const arp = decodeArp(f.data, eth.payloadOffset);
      if (arp.op === ARP_OP_REPLY && arp.senderIp === VIP) replies.push({ time: (f.seconds + f.nanos / 1e9) * 1000, mac: arp.senderMac });
    }
    console.log(`seed LVS-DR: ARP replies for the VIP seen by the observer: ${replies.map((x) => `${x.mac} at ${(x.time - stopped).toFixed(0)} ms`).join(', ')}; gratuitous ARPs from dr2 after the stop: ${fromDr2.length}, first ${(fromDr2[0].time * 1000 - stopped).toFixed(0)} ms`);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((x) => (x.time < stopped ? x.mac === dr1.mac : x.mac === dr2.mac))).toBe(true);
  }, 40000);
});
