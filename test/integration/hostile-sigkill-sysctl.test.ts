/**
 * SIGKILL of vrrpd and the sysctls its use_vmac changed (lib/platform/vmac.ts): on the base interface
 * arp_ignore=1 and arp_filter=1, namespace-wide net.ipv4.igmp_link_local_mcast_reports=0. A graceful stop puts
 * back the values it found; after a SIGKILL the next start would find the killed daemon's values and take
 * them for the originals, so vmac.ts keeps the originals in a state file beside the pid file and the next
 * start puts them back (LinuxPlatform.recover) before it makes its vmac. The second test states what must
 * hold: the originals back after SIGKILL, restart and a graceful stop.
 */
import { Host, netnsSkipReason, nsExec } from '../helpers/netns';
import { useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd SIGKILL sysctls: ${skip}`);
const d = skip ? describe.skip : describe;

const KEYS = ['net.ipv4.conf.eth0.arp_ignore', 'net.ipv4.conf.eth0.arp_filter', 'net.ipv4.igmp_link_local_mcast_reports'] as const;
type Sysctls = Record<(typeof KEYS)[number], string>;
const read = (h: Host): Sysctls => Object.fromEntries(KEYS.map((k) => [k, nsExec(h.ns, 'sysctl', ['-n', k]).trim()])) as Sysctls;

const conf = `vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 93
  priority 150
  advert_int 1
  use_vmac
  virtual_ipaddress {
    192.0.2.193/24
  }
}
`;

d('vrrpd SIGKILL leaves no sysctl it changed behind at the next start', () => {
  const env = useLan('sysk', 1);
  let original: Sysctls;
  let afterRestartStop: Sysctls;

  test('use_vmac changes the sysctls; SIGKILL leaves them changed; a restart and a graceful stop run', async () => {
    const [h1] = env.lan().hosts;
    const peers = env.peers();
    // Originals chosen to differ from every value vmac.ts writes.
    nsExec(h1.ns, 'sysctl', ['-q', '-w', 'net.ipv4.conf.eth0.arp_ignore=2', 'net.ipv4.conf.eth0.arp_filter=0', 'net.ipv4.igmp_link_local_mcast_reports=1']);
    original = read(h1);
    const a = await peers.vrrpd(h1, 'k1', conf);
    const changed = read(h1);
    expect(changed).toEqual({ 'net.ipv4.conf.eth0.arp_ignore': '1', 'net.ipv4.conf.eth0.arp_filter': '1', 'net.ipv4.igmp_link_local_mcast_reports': '0' });
    expect(await peers.stop(a, 'SIGKILL')).toBeNull();
    expect(read(h1)).toEqual(changed); // nobody restored them
    // Restarted as the same service (same pid file, so the same sysctl state file beside it).
    const b = await peers.vrrpd(h1, 'k1', conf);
    await waitFor('the vmac', () => nsExec(h1.ns, 'ip', ['-o', 'link', 'show']).includes('vrrp.93'), 5000);
    expect(await peers.stop(b)).toBe(0);
    afterRestartStop = read(h1);
    console.log(`sysctls: original ${JSON.stringify(original)}; after SIGKILL, restart and graceful stop ${JSON.stringify(afterRestartStop)}`);
    const log = peers.logs.get('k1') ?? '';
    expect(log).toMatch(/put back .*, left changed by an unclean stop/);
    expect(log).toMatch(/stopped/);
  }, 40000);

  test('after SIGKILL, restart and a graceful stop, every sysctl is back to its original value', () => {
    expect(afterRestartStop).toEqual(original);
  });
});
