import ipaddr from 'ipaddr.js';

/**
 * DX_TRUST_PROXY as fastify's `trustProxy`: false when unset (the client address is the socket's peer and any
 * X-Forwarded-For is ignored), else the listed proxy addresses and CIDR ranges, from which X-Forwarded-For (and
 * X-Forwarded-Host and -Proto) are believed. Throws, naming the entry, on one that is neither.
 */
export function trustedProxies(value: string | undefined): string[] | false {
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) return false;
  for (const entry of entries) {
    const valid = entry.includes('/') ? isCidr(entry) : ipaddr.isValid(entry);
    if (!valid) throw new Error(`"${entry}" is not an IP address or a CIDR range (10.0.0.5, 10.0.0.0/8, fd00::/8)`);
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
