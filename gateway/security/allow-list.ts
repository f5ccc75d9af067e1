import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Range = [Address, number];

/** One entry of an allow-list: a name pattern or an address range, for one port or (no port) for every port. */
export type AllowEntry = ({ kind: 'name'; pattern: RegExp } | { kind: 'range'; range: Range }) & { port?: number };

export function normalised(address: string): Address {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

export function inRange(address: Address, [range, bits]: Range): boolean {
  return address.kind() === range.kind() && address.match(range, bits);
}

function rangeOf(text: string): Range {
  if (text.includes('/')) return ipaddr.parseCIDR(text);
  const address = normalised(text);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

function portOf(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new Error(`port ${text} is not a number from 1 to 65535`);
  return Number(text);
}

const NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * Parses one entry: a name (`db.hukou.internal`, `*.gov.internal`), an address or a CIDR range, each optionally
 * with a port (`10.2.0.0/16:5432`, `db.hukou.internal:3306`; IPv6 in brackets: `[::1]:5432`, `[fd00::/8]:5432`).
 * Throws an Error saying what is wrong with it.
 */
export function parseAllowEntry(raw: string): AllowEntry {
  const entry = raw.trim().toLowerCase();
  let host = entry;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](\/\d{1,3})?(?::(.*))?$/.exec(entry);
  if (bracketed) {
    host = `${bracketed[1]}${bracketed[2] ?? ''}`;
    if (bracketed[3] !== undefined) port = portOf(bracketed[3]);
  } else if ((entry.match(/:/g) ?? []).length === 1) {
    const at = entry.lastIndexOf(':');
    host = entry.slice(0, at);
    port = portOf(entry.slice(at + 1));
  }
  const withPort = port === undefined ? {} : { port };
  const address = host.split('/')[0] as string;
  if (ipaddr.isValid(address)) {
    try {
      return { kind: 'range', range: rangeOf(host), ...withPort };
    } catch {
      throw new Error(`${host} is not a valid CIDR range`);
    }
  }
  if (!NAME.test(host)) throw new Error(`${host} is neither a host name, an address nor a CIDR range`);
  const pattern = new RegExp(`^${host.replace(/\./g, '\\.').replace(/^\*/, '[^]+')}$`);
  return { kind: 'name', pattern, ...withPort };
}

export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  return entries.filter((entry) => entry.trim() !== '').map(parseAllowEntry);
}

/** Whether `entry` lets a connection to `port` of `address` through, reached by the name `name`. */
export function allows(entry: AllowEntry, name: string, address: Address, port: number): boolean {
  if (entry.port !== undefined && entry.port !== port) return false;
  return entry.kind === 'name' ? entry.pattern.test(name) : inRange(address, entry.range);
}
