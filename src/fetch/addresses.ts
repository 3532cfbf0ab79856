/**
 * Which IP addresses a link may lead to. A link added to the corpus is
 * fetched from the bot's host, so a link to `http://127.0.0.1:6379/`,
 * `http://169.254.169.254/` (a cloud's metadata service) or a machine on the
 * local network would make the bot read what only it can reach (server-side
 * request forgery). Only public unicast addresses are allowed.
 *
 * The ranges are those of IANA's IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and its updates: RFC 6598, 7723, 8155, 9374, 9637):
 * https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/ . For IPv6,
 * only the global unicast block 2000::/3 is allowed at all, minus its special
 * parts; addresses that embed an IPv4 address (IPv4-mapped ::ffff:0:0/96,
 * NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address inside.
 */
import { isIP } from 'node:net';

/** Refused IPv4 ranges: [first octets as written, prefix length, what it is]. */
const IPV4_REFUSED: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes the broadcast address 255.255.255.255
];

/** Refused parts of IPv6's global unicast block 2000::/3 (everything outside it is refused too). */
const IPV6_REFUSED: ReadonlyArray<[string, number, string]> = [
  ['2001::', 23, 'IETF protocol assignments (Teredo, benchmarking, ORCHID…)'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
];

/** Parses a dotted-quad IPv4 address into 4 bytes; `undefined` if it is not one. */
function parseIpv4(text: string): Uint8Array | undefined {
  if (isIP(text) !== 4) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

/** Parses an IPv6 address (with `::` and an optional trailing dotted quad; no zone) into 16 bytes. */
function parseIpv6(text: string): Uint8Array | undefined {
  if (isIP(text) !== 6) return undefined;
  let head = text;
  const bytes = new Uint8Array(16);
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    if (!v4) return undefined;
    head = head.slice(0, -dotted[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
    tail.push(...v4);
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const words = l.length * 2 + r.length * 2 + tail.length;
  if (right === undefined && words !== 16) return undefined;
  l.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  const rightStart = 16 - r.length * 2 - tail.length;
  r.forEach((g, i) => {
    bytes[rightStart + i * 2] = g >> 8;
    bytes[rightStart + i * 2 + 1] = g & 0xff;
  });
  tail.forEach((b, i) => (bytes[16 - tail.length + i] = b));
  return bytes;
}

/** Whether the first `bits` bits of `address` equal those of `network`. */
function inPrefix(address: Uint8Array, network: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((address[byte]! & mask) !== (network[byte]! & mask)) return false;
  }
  return true;
}

const V4_RANGES = IPV4_REFUSED.map(([net, bits, what]) => ({ net: parseIpv4(net)!, bits, what }));
const V6_RANGES = IPV6_REFUSED.map(([net, bits, what]) => ({ net: parseIpv6(net)!, bits, what }));
const V6 = (text: string): Uint8Array => parseIpv6(text)!;

function ipv4Problem(bytes: Uint8Array): string | undefined {
  return V4_RANGES.find((r) => inPrefix(bytes, r.net, r.bits))?.what;
}

/**
 * Why `address` (an IPv4 or IPv6 literal) may not be fetched from, or
 * `undefined` when it is a public unicast address. Not an IP address at all
 * also gives a reason.
 */
export function addressProblem(address: string): string | undefined {
  const unbracketed = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(unbracketed);
  if (v4) return ipv4Problem(v4);
  // A zone index ("fe80::1%eth0") only exists on link-local addresses.
  if (unbracketed.includes('%')) return 'link-local (with a zone index)';
  const v6 = parseIpv6(unbracketed);
  if (!v6) return 'not an IP address';
  const embedded = (from: number): string | undefined => {
    const problem = ipv4Problem(v6.subarray(from, from + 4));
    return problem === undefined ? undefined : `${problem} (IPv4 inside IPv6)`;
  };
  if (inPrefix(v6, V6('::ffff:0:0'), 96)) return embedded(12); // IPv4-mapped
  if (inPrefix(v6, V6('64:ff9b::'), 96)) return embedded(12); // NAT64
  if (inPrefix(v6, V6('2002::'), 16)) return embedded(2); // 6to4
  if (inPrefix(v6, V6('::'), 128)) return 'unspecified';
  if (inPrefix(v6, V6('::1'), 128)) return 'loopback';
  if (inPrefix(v6, V6('fc00::'), 7)) return 'unique-local';
  if (inPrefix(v6, V6('fe80::'), 10)) return 'link-local';
  if (inPrefix(v6, V6('ff00::'), 8)) return 'multicast';
  if (!inPrefix(v6, V6('2000::'), 3)) return 'reserved (not global unicast)';
  return V6_RANGES.find((r) => inPrefix(v6, r.net, r.bits))?.what;
}
