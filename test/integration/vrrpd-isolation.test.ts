/**
 * One vrrpd, two instances: VI_LAN on eth0 (VRID 81, VIP 192.0.2.181) and VI_SIDE on a veth of its own
 * (side0, VRID 82, 198.51.100.1/24, VIP 198.51.100.182). Deleting side0 breaks every
 * I/O of VI_SIDE (sends, VIP removal, socket); VI_LAN must not notice: it keeps its VIP and its adverts
 * keep their 1 s rhythm on the wire (seen by the observer h3). When side0 comes back,
 * VI_SIDE gets a new socket and becomes MASTER again.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { Host, netnsSkipReason, nsExec } from '../helpers/netns';
import { addressesOf, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd isolation: ${skip}`);
const d = skip ? describe.skip : describe;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const LAN_VIP = '192.0.2.181';
const SIDE_VIP = '198.51.100.182';

const CONF = `global_defs {
  vrrp_garp_master_delay 1
  vrrp_garp_master_repeat 1
}
vrrp_instance VI_LAN {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority 150
  advert_int 1
  virtual_ipaddress {
    ${LAN_VIP}/24
  }
}
vrrp_instance VI_SIDE {
  state BACKUP
  interface side0
  virtual_router_id 82
  priority 150
  advert_int 1
  virtual_ipaddress {
    ${SIDE_VIP}/24
  }
}
`;

interface Status {
  instances: Array<{ name: string; state: string; ioErrors: Record<string, number> }>;
  transports: Array<{ key: string; reopens: number; sendErrors: number }>;
}

/** A second network of h1's own: veth side0 (the instance's interface) whose peer side1 stays in h1. */
function addSide(h: Host): void {
  execFileSync('ip', ['-n', h.ns, 'link', 'add', 'side0', 'type', 'veth', 'peer', 'name', 'side1']);
  execFileSync('ip', ['-n', h.ns, 'addr', 'add', '198.51.100.1/24', 'dev', 'side0']);
  execFileSync('ip', ['-n', h.ns, 'link', 'set', 'side1', 'up']);
  execFileSync('ip', ['-n', h.ns, 'link', 'set', 'side0', 'up']);
}

d('one instance losing its interface', () => {
  const env = useLan('iso', 3);

  test('does not disturb the other: its VIP stays and its adverts keep their rhythm; it recovers when the interface is back', async () => {
    const [h1, , h3] = env.lan().hosts;
    const peers = env.peers();
    addSide(h1);
    const status = (): Status => peers.status<Status>(h1, 'a');
    const state = (name: string): string | undefined => status().instances.find((i) => i.name === name)?.state;
    const stopCapture = await peers.observe(h3, 'obs');
    const a = await peers.vrrpd(h1, 'a', CONF);
    await waitFor('both instances to be MASTER', () => state('VI_LAN') === 'MASTER' && state('VI_SIDE') === 'MASTER', 8000);
    expect(addressesOf(h1)).toContain(LAN_VIP);
    await sleep(1500);

    execFileSync('ip', ['-n', h1.ns, 'link', 'del', 'side0']);
    const deleted = Date.now() / 1000;
    await waitFor('VI_SIDE to enter FAULT', () => state('VI_SIDE') === 'FAULT', 3000);
    await sleep(4000);
    expect(state('VI_LAN')).toBe('MASTER');
    expect(addressesOf(h1)).toContain(LAN_VIP);
    const broken = status();
    const sideErrors = broken.instances.find((i) => i.name === 'VI_SIDE')?.ioErrors ?? {};
    console.log(`vrrpd isolation: after deleting side0, VI_SIDE I/O errors ${JSON.stringify(sideErrors)}, VI_LAN ${JSON.stringify(broken.instances.find((i) => i.name === 'VI_LAN')?.ioErrors)}`);
    expect(broken.instances.find((i) => i.name === 'VI_LAN')?.ioErrors).toEqual({});

    addSide(h1);
    const back = await waitFor('VI_SIDE to be MASTER again', () => state('VI_SIDE') === 'MASTER', 8000);
    console.log(`vrrpd isolation: VI_SIDE MASTER again ${back} ms after side0 came back`);
    expect(status().transports.find((t) => t.key === 'side0/4')?.reopens).toBe(1);
    expect(nsExec(h1.ns, 'ip', ['-j', 'addr', 'show', 'dev', 'side0'])).toContain(SIDE_VIP);
    expect(a.exitCode).toBeNull();
    const file = await stopCapture();
    expect(await peers.stop(a)).toBe(0);

    // VI_LAN's adverts on the wire never paused, before, during or after the trouble of VI_SIDE.
    const times = inspectFrames(readCapture(readFileSync(file)).frames).filter((r) => r.vrid === 81 && r.priority === 150).map((r) => r.time);
    expect(times.some((t) => t < deleted)).toBe(true);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    console.log(`vrrpd isolation: ${times.length} VI_LAN adverts, largest gap ${(Math.max(...gaps) * 1000).toFixed(1)} ms`);
    expect(Math.max(...gaps)).toBeLessThan(1.5);
  }, 60000);
});
