import { isIP } from 'node:net';

/**
 * Which reverse proxies the server believes about the client's address (`X-Forwarded-For`), the
 * scheme (`X-Forwarded-Proto`) and the host (`X-Forwarded-Host`).
 *
 * - **Addresses or CIDR ranges** (`127.0.0.1`, `10.0.0.0/8`, `::1`, or proxy-addr's names
 *   `loopback`, `linklocal`, `uniquelocal`): the client is the first address, walking
 *   `X-Forwarded-For` from the right, that is not one of them. The safe choice: a client that
 *   connects directly, or writes its own `X-Forwarded-For`, cannot pass for someone else.
 * - **A hop count** `N` (1 to 10): the last N entries of the chain are proxies; the client is the
 *   address just before them. With one proxy that appends (nginx's
 *   `$proxy_add_x_forwarded_for`), `X-Forwarded-For: <made up>, 203.0.113.7` gives 203.0.113.7.
 *   Only when the server cannot be reached except through those proxies (listen on 127.0.0.1 or
 *   behind a firewall): a direct client could otherwise write the hops itself.
 *
 * Never "every hop": that lets any client choose its address, and so its rate limits (issue 22).
 */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether `v` is an IP address or a CIDR range (a prefix length within the address's size). */
export function isAddressOrCidr(v: string): boolean {
  if (NAMED.has(v)) return true;
  const slash = v.indexOf('/');
  const addr = slash < 0 ? v : v.slice(0, slash);
  const kind = isIP(addr);
  if (kind === 0) return false;
  if (slash < 0) return true;
  const bits = v.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) {
    // proxy-addr also takes a netmask (10.0.0.0/255.0.0.0).
    return kind === 4 && isIP(bits) === 4;
  }
  const n = Number(bits);
  return n >= 0 && n <= (kind === 4 ? 32 : 128);
}

/** Ranges that contain every address: the same as trusting every hop. */
function isEverything(v: string): boolean {
  return /^(0\.0\.0\.0\/0|::\/0|0\.0\.0\.0\/0\.0\.0\.0)$/.test(v);
}

/**
 * Parses `$JUMEAU_TRUST_PROXY`: unset, empty or `0` → none; a whole number → that many hops;
 * otherwise a comma-separated list of addresses or CIDR ranges. Throws, naming the value, on
 * anything else — `true`, `all`, `*`, `0.0.0.0/0`: trusting every hop is not offered.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim();
  if (v === undefined || v === '' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 10) throw new Error(`JUMEAU_TRUST_PROXY: ${v} hops is more than 10; give the proxies' addresses instead`);
    return n;
  }
  const list = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (const x of list) {
    if (isEverything(x) || /^(true|all|\*|yes)$/i.test(x)) {
      throw new Error(`JUMEAU_TRUST_PROXY: ${JSON.stringify(x)} would trust every hop (any client could choose its address and its rate limits); give the proxies' addresses or CIDR ranges, or a hop count (1 for one proxy)`);
    }
    if (!isAddressOrCidr(x)) throw new Error(`JUMEAU_TRUST_PROXY: ${JSON.stringify(x)} is not an IP address, a CIDR range (10.0.0.0/8) or a hop count`);
  }
  return list.length === 0 ? false : list;
}

/**
 * What Fastify's `trustProxy` option gets. A hop count becomes a function (`i < N`): Fastify's
 * own number option ignores `X-Forwarded-For` altogether in this version.
 */
export function fastifyTrustProxy(t: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (t === false) return false;
  if (typeof t === 'number') return t === 0 ? false : (_address: string, hop: number) => hop < t;
  return t;
}
