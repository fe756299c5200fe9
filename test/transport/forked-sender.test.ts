/**
 * ForkedSender on a namespaced LAN: frames from A reach B, and A's sender survives A's link going down
 * (the `cap` addon aborts the process that holds a libpcap handle on a link that goes down; here that is
 * the sender's child, and the next send after the link is back starts a new one). The in-process
 * LinkSender is run the same way as the control: its process dies.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Lan, netnsSkipReason, nsExec, REPO_ROOT, RunResult } from '../helpers/netns';

const skip = netnsSkipReason() ?? (existsSync(path.join(REPO_ROOT, 'dist/lib/transport/forked-sender.js')) ? null : 'dist/ not built (run npm run build)');
if (skip) console.log(skip);
const describeNs = skip ? describe.skip : describe;

/**
 * argv: kind ('forked' | 'inline') ifname. Sends a GARP, takes the link down, tries to send, brings the
 * link up, sends again. Prints a STEP line per phase and RESULT {starts, sent, sendErrors, downError}.
 */
const FLAP = `
const { execFileSync } = require('node:child_process');
const { ForkedSender } = require('./dist/lib/transport/forked-sender');
const { LinkSender } = require('./dist/lib/transport/capture');
const { buildGratuitousArp } = require('./dist/lib/packet/arp');
const [kind, ifname] = process.argv.slice(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const s = kind === 'forked' ? new ForkedSender(ifname) : new LinkSender(ifname);
const frame = buildGratuitousArp({ senderMac: '00:00:5e:00:01:33', ip: '192.0.2.100' });
(async () => {
  await s.send(frame);
  console.log('STEP sent-before');
  execFileSync('ip', ['link', 'set', ifname, 'down']);
  await sleep(700);
  console.log('STEP survived-down');
  let downError = null;
  try { await s.send(frame); } catch (e) { downError = e.message; }
  execFileSync('ip', ['link', 'set', ifname, 'up']);
  await sleep(300);
  await s.send(frame);
  await s.send(frame);
  console.log('STEP sent-after');
  const result = { starts: s.starts, sent: s.sent, sendErrors: s.sendErrors, downError };
  await s.close();
  console.log('RESULT ' + JSON.stringify(result));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

function steps(r: RunResult): string[] {
  return r.stdout.split('\n').filter((l) => l.startsWith('STEP ')).map((l) => l.slice(5));
}

describeNs(`ForkedSender in namespaces${skip ? ` (${skip})` : ''}`, () => {
  let lan: Lan;
  beforeAll(() => {
    lan = new Lan('fs', 2);
  });
  afterAll(() => lan?.destroy());
  // The control test leaves A's link down (its process dies before bringing it up).
  beforeEach(() => nsExec(lan.hosts[0].ns, 'ip', ['link', 'set', 'eth0', 'up']));

  test('control: an in-process libpcap sender dies with its link', async () => {
    const r = await lan.runNode(lan.hosts[0].ns, FLAP, ['inline', 'eth0']);
    expect(steps(r)).toEqual(['sent-before']);
    expect(r.code === 0 && r.signal === null).toBe(false);
    expect(r.stderr).toMatch(/Assertion .status == 0. failed/);
  }, 10000);

  test('the forked sender outlives its link going down and sends again once it is up', async () => {
    const r = await lan.runNode(lan.hosts[0].ns, FLAP, ['forked', 'eth0']);
    expect(steps(r)).toEqual(['sent-before', 'survived-down', 'sent-after']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no RESULT (exit ${r.code} ${r.signal}): ${r.stdout} ${r.stderr}`);
    const result = JSON.parse(line.slice(7)) as { starts: number; sent: number; sendErrors: number; downError: string | null };
    console.log(`ForkedSender across a link flap: ${JSON.stringify(result)}; child stderr: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    // The first child died with the link; the send while it was down started a second one, which could
    // not open the device; the sends after the link came back went through a third.
    expect(result.sent).toBe(3);
    expect(result.downError).toMatch(/not up|stopped/);
    expect(result.sendErrors).toBe(1);
    // The first child dies with the link; the second refuses the send while the link is down (the open
    // fails, the child stays) and sends once it is up.
    expect(result.starts).toBe(2);
  }, 10000);
});
