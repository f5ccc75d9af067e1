import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { dxError } from '../errors.ts';

/** Link-local and cloud metadata addresses: never reachable, whatever the allow-list says. */
const ALWAYS_REFUSED: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR('169.254.0.0/16'),
  ipaddr.parseCIDR('fe80::/10'),
  ipaddr.parseCIDR('0.0.0.0/8'),
  ipaddr.parseCIDR('100.100.100.200/32'),
  ipaddr.parseCIDR('fd00:ec2::254/128'),
];

export interface HostGuard {
  /** Resolves `host`, checks it, and returns the address to connect to; throws DX_ERR_HOST_REFUSED otherwise. */
  resolve(host: string): Promise<string>;
}

type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

function normalised(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, [range, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  return address.kind() === range.kind() && address.match(range, bits);
}

/**
 * The operator's allow-list: entries are host names (`db.hukou.internal`, `*.gov.internal`), addresses or CIDR
 * ranges. A name entry allows what the name resolves to; an address entry allows only addresses in its range.
 * Every address a name resolves to must pass, and link-local and metadata addresses are always refused.
 */
export function createHostGuard(allowList: readonly string[], resolver: Resolver = systemResolver): HostGuard {
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  const names: RegExp[] = [];
  for (const entry of allowList.map((item) => item.trim().toLowerCase()).filter(Boolean)) {
    if (ipaddr.isValid(entry)) {
      const address = normalised(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (entry.includes('/')) {
      ranges.push(ipaddr.parseCIDR(entry));
    } else {
      names.push(new RegExp(`^${entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.+')}$`));
    }
  }

  function refuse(host: string, reason: string): never {
    throw dxError('DX_ERR_HOST_REFUSED', { message: `${host} is refused: ${reason}`, details: [{ message: reason }] });
  }

  return {
    async resolve(host) {
      const name = host.replace(/^\[|\]$/g, '').toLowerCase();
      const nameAllowed = names.some((pattern) => pattern.test(name));
      let addresses: string[];
      try {
        addresses = ipaddr.isValid(name) ? [name] : await resolver(name);
      } catch (err) {
        throw dxError('DX_ERR_HOST_REFUSED', { message: `${host} could not be resolved`, cause: err, retriable: true });
      }
      if (addresses.length === 0) refuse(host, 'it resolves to no address');
      for (const address of addresses) {
        const parsed = normalised(address);
        if (ALWAYS_REFUSED.some((range) => inRange(parsed, range))) refuse(host, `${address} is a link-local or metadata address`);
        if (!nameAllowed && !ranges.some((range) => inRange(parsed, range))) refuse(host, `${address} is not on the allow-list (DX_ALLOWED_HOSTS)`);
      }
      return normalised(addresses[0] as string).toString();
    },
  };
}
