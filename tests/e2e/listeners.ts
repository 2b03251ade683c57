/**
 * Which local addresses listen on a TCP port, read from the kernel's socket tables (/proc/net/tcp and tcp6),
 * so a test can prove a server is bound to loopback without ever connecting to another address.
 */
import * as fs from 'node:fs';

const LISTEN = '0A';

/** `0100007F` (little-endian hex, as /proc writes it) -> `127.0.0.1`. */
function ipv4(hex: string): string {
  return (hex.match(/../g) ?? [])
    .map((byte) => parseInt(byte, 16))
    .reverse()
    .join('.');
}

/** 32 hex digits, four little-endian 32-bit words -> the canonical IPv6 text (`::`, `::1`, `::ffff:127.0.0.1`). */
function ipv6(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse()).join('');
  const groups = bytes.match(/.{4}/g) ?? [];
  return new URL(`http://[${groups.join(':')}]/`).hostname.replace(/^\[|\]$/g, '');
}

/** The local addresses of every socket listening on `port`, IPv4 and IPv6, e.g. `['127.0.0.1']` or `['::']`. */
export function listeningAddresses(port: number): string[] {
  const tables: [string, (hex: string) => string][] = [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ];
  const addresses: string[] = [];
  for (const [table, decode] of tables) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local = '', , state] = line.trim().split(/\s+/);
      const [address = '', portHex = ''] = local.split(':');
      if (state === LISTEN && parseInt(portHex, 16) === port) addresses.push(decode(address));
    }
  }
  return addresses;
}
