/** Waiting for a server a test started: a free port to give it, and the moment it answers. */
import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';

/** A TCP port nothing listens on right now (bound and released on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Resolves once http://127.0.0.1:port answers `route`; rejects when `child` exits first or after `timeoutMs`,
 * with what it printed.
 */
export async function answering(
  port: number,
  route: string,
  child: ChildProcess,
  timeoutMs = 120_000,
): Promise<void> {
  let printed = '';
  const keep = (d: Buffer) => (printed = `${printed}${d.toString()}`.slice(-4000));
  // Reading the pipes also keeps a chatty server from blocking on a full one.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`promptfile view exited with ${child.exitCode} before serving:\n${printed}`);
    }
    const status = await new Promise<number>((resolve) =>
      http
        .get({ host: '127.0.0.1', port, path: route, timeout: 1000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', () => resolve(0)),
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `promptfile view did not answer on 127.0.0.1:${port}${route} within ${timeoutMs} ms:\n${printed}`,
  );
}
