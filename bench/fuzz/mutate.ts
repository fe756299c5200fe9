/**
 * Mutation operators shared by the fuzz targets: byte-level edits of a valid encoding (set, cut, insert,
 * delete, duplicate a range) and piece-level edits of a configuration text (delete, duplicate, swap, replace
 * with a dictionary word, wrap in braces, insert characters). All are fast-check arbitraries, so a run is
 * reproducible from its seed and shrinks to a small reproducer.
 */
import fc from 'fast-check';

/** One byte-level edit; positions are taken modulo the current length. */
export type ByteMutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'repeat'; at: number; count: number; times: number };

const INTERESTING_BYTES = [0, 1, 2, 3, 4, 6, 9, 14, 0x10, 0x20, 0x21, 0x31, 0x40, 0x45, 0x46, 0x4f, 0x60, 0x70, 0x7f, 0x80, 0xfe, 0xff];

/** Arbitrary byte edits (1..max). */
export function byteMutations(max = 4): fc.Arbitrary<ByteMutation[]> {
  const one: fc.Arbitrary<ByteMutation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING_BYTES) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 8 }) }) },
  );
  return fc.array(one, { minLength: 1, maxLength: max });
}

/** Applies `mutations` to a copy of `input`; the result owns a fresh ArrayBuffer. */
export function mutateBytes(input: Uint8Array, mutations: readonly ByteMutation[]): Buffer {
  let buf = Buffer.from(input);
  for (const m of mutations) {
    if (buf.length === 0) break;
    const at = m.at % buf.length;
    switch (m.kind) {
      case 'set':
        buf[at] = m.value;
        break;
      case 'cut':
        buf = buf.subarray(0, at);
        break;
      case 'insert':
        buf = Buffer.concat([buf.subarray(0, at), m.bytes, buf.subarray(at)]);
        break;
      case 'delete':
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + m.count)]);
        break;
      case 'repeat': {
        const piece = buf.subarray(at, at + m.count);
        buf = Buffer.concat([buf.subarray(0, at), ...Array.from({ length: m.times + 1 }, () => piece), buf.subarray(at + m.count)]);
        break;
      }
      default: {
        const never: never = m;
        throw new Error(`unhandled mutation ${String(never)}`);
      }
    }
  }
  const own = Buffer.alloc(buf.length);
  buf.copy(own);
  return own;
}

/** Words a keepalived.conf mutation inserts: keywords, values at their limits, hostile names and characters. */
export const CONFIG_DICTIONARY = [
  'vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'track_file', 'vrrp_track_file', 'global_defs', 'include', 'group', 'state', 'MASTER', 'BACKUP',
  'FAULT', 'interface', 'eth0', 'lo', 'virtual_router_id', 'priority', 'advert_int', 'authentication', 'auth_type', 'PASS', 'AH', 'auth_pass',
  'virtual_ipaddress', 'virtual_ipaddress_excluded', 'virtual_routes', 'track_script', 'track_interface', 'track_file', 'script', 'interval',
  'weight', 'rise', 'fall', 'timeout', 'user', 'root', 'nobody', 'init_fail', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop',
  'notify', 'smtp_alert', 'unicast_src_ip', 'unicast_peer', 'mcast_src_ip', 'use_vmac', 'vrrp.51', 'vmac_xmit_base', 'nopreempt', 'preempt_delay',
  'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'vrrp_version', 'version', 'native_ipv6', 'accept', 'no_accept', 'strict_mode',
  'vrrp_strict', 'enable_script_security', 'script_user', 'lower_prio_no_advert', 'dev', 'scope', 'link', 'host', 'global', 'label', 'brd',
  'virtual_server', 'real_server', '{', '}', '{', '}', '"', '"', '#', '!', '\\', '0', '1', '-1', '2', '3', '100', '254', '255', '256', '4095',
  '4096', '40.96', '0.01', '1e9', '99999999999999999999', '-0', '0x10', 'NaN', 'Infinity', '192.0.2.1', '192.0.2.100/24', '198.51.100.7/32',
  '203.0.113.255/33', '0.0.0.0', '255.255.255.255', '2001:db8::1', '2001:db8::1/64', 'fe80::1', 'fe80::1%eth0', '::', '::ffff:192.0.2.1', '1.2.3',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', '*', '?', '[a-z]', '/', '..', '../../etc/passwd', '\u0000', '\u0007', '\u001b[31m',
  '\u202e', '\ufeff', '\u00a0', '\u2028', '😀', 'é', '\t', '\r\n', '\n', '"quoted string"', '"unterminated',
];

/** One edit of a configuration text split into pieces (words and the white space between them). */
export type TextMutation =
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'duplicate'; at: number; count: number; times: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'word'; at: number; word: string }
  | { kind: 'insert'; at: number; word: string }
  | { kind: 'chars'; at: number; text: string }
  | { kind: 'wrap'; at: number; count: number }
  | { kind: 'cut'; at: number };

/** Arbitrary text edits (1..max). */
export function textMutations(max = 6): fc.Arbitrary<TextMutation[]> {
  const word = fc.constantFrom(...CONFIG_DICTIONARY);
  const one: fc.Arbitrary<TextMutation> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 80 }), times: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('word' as const), at: fc.nat(), word }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), word }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('chars' as const), at: fc.nat(), text: fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x10ffff })), { minLength: 1, maxLength: 6 }).map((cps) => String.fromCodePoint(...cps)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  );
  return fc.array(one, { minLength: 1, maxLength: max });
}

/** Applies `mutations` to `text`, piece by piece (a piece is a run of white space or of anything else). */
export function mutateText(text: string, mutations: readonly TextMutation[]): string {
  let p = text.split(/(\s+)/).filter((s) => s !== '');
  for (const m of mutations) {
    if (p.length === 0) p = [''];
    const at = m.at % p.length;
    switch (m.kind) {
      case 'delete':
        p.splice(at, m.count);
        break;
      case 'duplicate': {
        const piece = p.slice(at, at + m.count);
        p.splice(at, 0, ...Array.from({ length: m.times }, () => piece).flat());
        break;
      }
      case 'swap': {
        const b = m.with % p.length;
        [p[at], p[b]] = [p[b], p[at]];
        break;
      }
      case 'word':
        p[at] = m.word;
        break;
      case 'insert':
        p.splice(at, 0, ' ', m.word, ' ');
        break;
      case 'chars':
        p.splice(at, 0, m.text);
        break;
      case 'wrap':
        p.splice(Math.min(p.length, at + m.count), 0, '\n}\n');
        p.splice(at, 0, 'x {\n');
        break;
      case 'cut':
        p = p.slice(0, at);
        break;
      default: {
        const never: never = m;
        throw new Error(`unhandled mutation ${String(never)}`);
      }
    }
  }
  return p.join('');
}

/** First `max` bytes of `buf` as hex (with the total length when cut). */
export function hexExcerpt(buf: Uint8Array, max = 48): string {
  const hex = Buffer.from(buf.subarray(0, max)).toString('hex');
  return buf.length > max ? `${hex}… (${buf.length} bytes)` : hex;
}

/** First `max` characters of `text`, control characters escaped (with the total length when cut). */
export function textExcerpt(text: string, max = 80): string {
  const head = JSON.stringify(text.slice(0, max));
  return text.length > max ? `${head}… (${text.length} chars)` : head;
}

/** `arb` one time in `oneIn`, else null. */
export function oneIn<T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}
