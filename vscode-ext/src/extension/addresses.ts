/**
 * Which addresses a provider call may connect to. A provider's host is only
 * a name; what it resolves to decides where the request goes. The gateway
 * resolves the name itself, checks every address here and connects to the
 * checked one (the socket's `lookup` hands it over), so a name that
 * resolves to a private address (DNS rebinding) is refused at connect time.
 * Mirrors the Jupyter server's `addresses.py`.
 */
import { BlockList, isIP } from 'node:net';

/** Ranges provider calls never reach, each with the reason the refusal names. */
const REFUSED: ReadonlyArray<[string, ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>]> = [
  [
    'unspecified',
    [
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6']
    ]
  ],
  [
    'link-local',
    [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6']
    ]
  ],
  [
    'multicast',
    [
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6']
    ]
  ],
  [
    'reserved',
    [
      ['240.0.0.0', 4, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['2001:db8::', 32, 'ipv6'],
      ['100::', 64, 'ipv6']
    ]
  ],
  [
    'private',
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['fc00::', 7, 'ipv6']
    ]
  ]
];

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const LISTS = REFUSED.map(([why, ranges]): [string, BlockList] => {
  const list = new BlockList();
  for (const [net, prefix, family] of ranges) {
    list.addSubnet(net, prefix, family);
  }
  return [why, list];
});

/** The IPv4 address an IPv6 form reaches (`::ffff:a.b.c.d`, 6to4 `2002:AABB:CCDD::`), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) {
    return mapped[1];
  }
  const hex = /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::|$)/.exec(lower);
  const parts = hex ?? sixToFour;
  if (parts) {
    const hi = parseInt(parts[1], 16);
    const lo = parseInt(parts[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/**
 * Why an address may not be reached (`loopback`, `private`, `link-local`,
 * …), or `null` for a public unicast address. Loopback passes only with
 * `allowLoopback` (the tests' fixture servers).
 */
export function whyRefused(address: string, allowLoopback = false): string | null {
  let ip = address.split('%', 1)[0];
  let family = isIP(ip);
  if (family === 0) {
    return 'not an ip';
  }
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4) {
      ip = v4;
      family = 4;
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(ip, type)) {
    return allowLoopback ? null : 'loopback';
  }
  for (const [why, list] of LISTS) {
    if (list.check(ip, type)) {
      return why;
    }
  }
  return null;
}

/** Whether `host` is a loopback address literal (plain http is allowed to those, in tests only). */
export function isLoopbackLiteral(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) !== 0 && whyRefused(bare, false) === 'loopback';
}
