/**
 * Which local addresses listen on TCP, read from the kernel's socket tables (/proc/net/tcp and tcp6) and the
 * processes' file descriptors, so a test can prove a server is bound to loopback without ever connecting to
 * another address.
 */
import * as fs from 'node:fs';

const LISTEN = '0A';

/** One listening socket. */
export interface Listener {
  address: string;
  port: number;
  inode: string;
}

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

/** Every listening TCP socket of this network namespace, IPv4 and IPv6. */
export function listeners(): Listener[] {
  const tables: [string, (hex: string) => string][] = [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ];
  const found: Listener[] = [];
  for (const [table, decode] of tables) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address = '', port = ''] = (fields[1] ?? '').split(':');
      if (fields[3] === LISTEN)
        found.push({ address: decode(address), port: parseInt(port, 16), inode: fields[9] ?? '' });
    }
  }
  return found;
}

/** The local addresses listening on `port`, e.g. `['127.0.0.1']`, or `['::']` for every interface. */
export function listeningAddresses(port: number): string[] {
  return listeners()
    .filter((l) => l.port === port)
    .map((l) => l.address);
}

/** The sockets that processes `pids` listen on (every port, not just the one announced). */
export function listenersOf(pids: readonly number[]): Listener[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // The process has ended.
    }
    for (const fd of fds) {
      try {
        const target = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (target?.[1]) inodes.add(target[1]);
      } catch {
        // The descriptor was closed while we looked.
      }
    }
  }
  return listeners().filter((l) => inodes.has(l.inode));
}
