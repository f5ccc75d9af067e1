import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import { dxError } from '../errors.ts';
import { allows, inRange, normalised, parseAllowList, type Address, type Range } from './allow-list.ts';
import { sameServer, type OwnEndpoint, type OwnEndpoints } from './own-endpoints.ts';

/** Link-local and cloud metadata addresses: never reachable, whatever the allow-list says. */
const ALWAYS_REFUSED: Range[] = [
  ipaddr.parseCIDR('169.254.0.0/16'),
  ipaddr.parseCIDR('fe80::/10'),
  ipaddr.parseCIDR('0.0.0.0/8'),
  ipaddr.parseCIDR('::/128'),
  ipaddr.parseCIDR('100.100.100.200/32'),
  ipaddr.parseCIDR('fd00:ec2::254/128'),
];

/** What a connection is about to do once it reached the host: the port, the protocol and, for databases, the login. */
export interface ConnectionRequest {
  port: number;
  protocol: 'postgres' | 'mysql' | 'http' | 'https';
  database?: string;
  user?: string;
  /** The department whose connector connects: its scoped allow-list entries apply too. Absent: only entries for all. */
  departmentCode?: string | null;
}

export interface HostGuard {
  /** Resolves `host`, checks it, and returns the address to connect to; throws DX_ERR_HOST_REFUSED otherwise. */
  resolve(host: string, request: ConnectionRequest): Promise<string>;
}

/** What the gateway's own PostgreSQL knows about a role: whether it is a superuser or can read the gateway's tables. */
export type LoginInspector = (user: string) => Promise<{ superuser: boolean; readsGatewayData: boolean } | undefined>;

type Resolver = (host: string) => Promise<string[]>;

export interface HostGuardOptions {
  /** DX_ALLOWED_HOSTS: the entries for everyone. */
  allowList: readonly string[];
  resolver?: Resolver;
  /** The data office's entries (stored in PostgreSQL) for all departments and for `departmentCode`. */
  scopedEntries?: (departmentCode: string | null) => Promise<string[]>;
  /** The gateway's own database and brokers, never reachable. */
  own?: OwnEndpoints;
  /** The brokers the cluster advertises (its metadata), besides the bootstrap list in `own`. */
  clusterBrokers?: () => Promise<OwnEndpoint[]>;
  inspectLogin?: LoginInspector;
  log?: Pick<Logger, 'debug'>;
}

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * The operator's allow-list: entries are host names (`db.hukou.internal`, `*.gov.internal`), addresses or CIDR
 * ranges, each for every port or for one (`10.2.0.0/16:5432`). A name entry allows what the name resolves to; an
 * address entry allows only addresses in its range. Every address a name resolves to must pass; link-local and
 * metadata addresses, the gateway's own database and its Kafka brokers are always refused. Refusals name the host
 * and port asked for, never an address a name resolved to (that goes to the debug log).
 */
export function createHostGuard(options: HostGuardOptions): HostGuard {
  const base = parseAllowList(options.allowList);
  const resolver = options.resolver ?? systemResolver;
  const own = options.own ?? { brokers: [] };
  let ownAddresses: Promise<{ database: Address[]; brokers: { addresses: Address[]; port: number }[]; complete: boolean }> | undefined;

  async function addressesOf(host: string, resolve: Resolver = resolver): Promise<Address[]> {
    const name = host.replace(/^\[|\]$/g, '').toLowerCase();
    return (ipaddr.isValid(name) ? [name] : await resolve(name)).map(normalised);
  }

  function ownTargets() {
    // The gateway's own names resolve through the system, whatever resolver connectors are given.
    ownAddresses ??= (async () => {
      const advertised = options.clusterBrokers ? await options.clusterBrokers().catch(() => undefined) : [];
      return {
        database: own.database ? await addressesOf(own.database.host, systemResolver) : [],
        brokers: await Promise.all([...own.brokers, ...(advertised ?? [])].map(async (broker) => ({ addresses: await addressesOf(broker.host, systemResolver).catch(() => []), port: broker.port }))),
        complete: advertised !== undefined,
      };
    })();
    const pending = ownAddresses;
    // Asked again next time when the cluster's metadata or a name could not be had.
    pending.then((known) => known.complete || (ownAddresses = undefined), () => (ownAddresses = undefined));
    return pending;
  }

  return {
    async resolve(host, request) {
      const target = `${host}:${request.port}`;
      function refuse(reason: string, addresses: Address[] = []): never {
        options.log?.debug({ host, port: request.port, addresses: addresses.map(String), reason }, 'connection target refused');
        throw dxError('DX_ERR_HOST_REFUSED', { message: `${target} is refused: ${reason}`, details: [{ message: reason }] });
      }
      const name = host.replace(/^\[|\]$/g, '').toLowerCase();
      const literal = ipaddr.isValid(name);
      const entries = [...base, ...parseAllowList(options.scopedEntries ? await options.scopedEntries(request.departmentCode ?? null) : [])];
      const named = entries.filter((entry) => entry.kind === 'name' && allows(entry, name, normalised('0.0.0.0'), request.port));
      let addresses: Address[];
      try {
        addresses = await addressesOf(name);
      } catch (err) {
        if (named.length === 0) refuse('it is not on the allow-list');
        throw dxError('DX_ERR_HOST_REFUSED', { message: `${host} could not be resolved`, cause: err, retriable: true });
      }
      if (addresses.length === 0) refuse('it resolves to no address');
      const notAllowed = literal ? 'it is not on the allow-list' : 'it is not on the allow-list, or it resolves to an address that may not be reached';
      for (const address of addresses) {
        if (ALWAYS_REFUSED.some((range) => inRange(address, range))) refuse(literal ? 'it is a link-local or metadata address, never reachable' : notAllowed, addresses);
        if (named.length === 0 && !entries.some((entry) => allows(entry, name, address, request.port))) refuse(notAllowed, addresses);
      }

      const mine = await ownTargets();
      for (const address of addresses) {
        if (mine.brokers.some((broker) => sameServer(address, request.port, broker.addresses, broker.port))) {
          refuse("connectors may not reach the gateway's own Kafka brokers", addresses);
        }
        if (own.database && sameServer(address, request.port, mine.database, own.database.port)) {
          if (request.protocol !== 'postgres' || request.database === undefined || request.user === undefined) {
            refuse("connectors may not reach the gateway's own PostgreSQL server except as a database source", addresses);
          }
          if (request.database === own.database.name) refuse(`database ${request.database} is the gateway's own`, addresses);
          const login = await options.inspectLogin?.(request.user);
          if (login?.superuser) refuse(`this server holds the gateway's database, and ${request.user} is a superuser; log in as a role that can read only the source`, addresses);
          if (login?.readsGatewayData) refuse(`this server holds the gateway's database, and ${request.user} can read its tables; log in as a role that can read only the source`, addresses);
        }
      }
      return (addresses[0] as Address).toString();
    },
  };
}
