import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { inRange, normalised, type Address, type Range } from './allow-list.ts';

/** A TCP endpoint of the gateway itself: its PostgreSQL server (with the name of its database) or a Kafka broker. */
export interface OwnEndpoint {
  host: string;
  port: number;
}

export interface OwnEndpoints {
  /** Absent when the database is reached over a Unix socket (the embedded database): no TCP target reaches it. */
  database?: OwnEndpoint & { name: string };
  brokers: OwnEndpoint[];
}

function unbracketed(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

/** The endpoints of DATABASE_URL (or the embedded database's URL) and of the Kafka brokers the gateway uses. */
export function ownEndpoints(databaseUrl: string, brokers: readonly string[]): OwnEndpoints {
  const url = new URL(databaseUrl);
  const socketHost = url.searchParams.get('host');
  const host = socketHost ?? unbracketed(url.hostname);
  const database = host === '' || host.startsWith('/')
    ? undefined
    : { host, port: Number(url.searchParams.get('port') ?? url.port) || 5432, name: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres' };
  return {
    ...(database ? { database } : {}),
    brokers: brokers.map((broker) => {
      const at = broker.lastIndexOf(':');
      return { host: unbracketed(broker.slice(0, at)), port: Number(broker.slice(at + 1)) };
    }),
  };
}

const LOOPBACK: Range[] = [ipaddr.parseCIDR('127.0.0.0/8'), ipaddr.parseCIDR('::1/128')];

/** Loopback, or an address of one of this host's interfaces: a server listening on all interfaces answers on each. */
export function isThisHost(address: Address): boolean {
  if (LOOPBACK.some((range) => inRange(address, range))) return true;
  const text = address.toString();
  return Object.values(networkInterfaces()).some((entries) => entries?.some((entry) => normalised(entry.address.split('%')[0] as string).toString() === text));
}

/** Whether `address`:`port` reaches the same server as one of `addresses`:`endpointPort`. */
export function sameServer(address: Address, port: number, addresses: readonly Address[], endpointPort: number): boolean {
  if (port !== endpointPort) return false;
  const text = address.toString();
  return addresses.some((own) => own.toString() === text || (isThisHost(own) && isThisHost(address)));
}
