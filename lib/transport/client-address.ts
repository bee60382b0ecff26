import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of the node may say who the client is: how many hops (`1`: the one
 * reverse proxy in front of us), or the addresses and CIDR ranges of the trusted proxies.
 */
export type TrustProxy = false | number | string[];

/** The resolved form: a predicate on (address, hops from us) saying the hop is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

export const trustNoProxy: ProxyTrust = () => false;

/** Throws with the reason when an entry of the list is neither an address nor a CIDR range. */
export function proxyTrust(trust: TrustProxy): ProxyTrust {
  if (trust === false) return trustNoProxy;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const list = new BlockList();
  for (const entry of trust) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(address!, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`${JSON.stringify(entry)} has a bad prefix length`);
    list.addSubnet(address!, prefix, type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address, as Express's `trust proxy` finds it: start at the socket's peer and, while
 * the address at hand is a trusted proxy, step to the address it reports (the next entry of
 * `X-Forwarded-For` from the right). An entry that is not an IP address ends the walk: the hop
 * that wrote it is the last one we can believe.
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trusted: ProxyTrust): string {
  if (trusted === trustNoProxy || forwardedFor === undefined) return peer;
  const chain = [forwardedFor]
    .flat()
    .join(',')
    .split(',')
    .map((entry) => entry.trim());
  let address = peer;
  for (let hop = 0; trusted(address, hop) && chain.length > 0; hop++) {
    const next = chain.pop()!;
    if (isIP(next) === 0) break;
    address = next;
  }
  return address;
}
