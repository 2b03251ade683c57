/**
 * A loopback proxy in front of promptfoo's web report (`promptfoo view`), which answers every API request with
 * `Access-Control-Allow-Origin: *`, never checks the Host header and runs eval jobs it is POSTed (an `exec:` provider
 * runs a command): any web page the user visits could read results, and a DNS-rebinding page could run commands.
 *
 * promptfoo's server listens on a Unix socket in a private directory (a Windows pipe there), never on a TCP port:
 * a page can reach every loopback port, so a second port would be a way around the guard. The guard serves on
 * 127.0.0.1:PORT and passes a request on only when
 * - its Host is 127.0.0.1:PORT or localhost:PORT (a rebinding page's requests carry its own name);
 * - its Origin, when sent, is this one;
 * - it is not a cross-site or same-site request (Sec-Fetch-Site), unless it is a plain navigation to a page: a link
 *   from elsewhere opens the report, but no other site can fetch, embed or script-include what it serves;
 * - it changes nothing, or carries this Origin (browsers send Origin on every POST, PUT, PATCH and DELETE).
 * Answers lose promptfoo's CORS headers and gain a Content-Security-Policy that lets the page reach no host but
 * itself (promptfoo's app calls a telemetry host even with telemetry off), with hashes for the page's own inline
 * scripts; promptfoo's scripts are served with the fixes of viewFixes.ts. WebSocket upgrades (the app's live
 * updates, socket.io) pass under the same rules, with an Origin required.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixScript } from './viewFixes';

/** A running guard. */
export interface ViewGuard {
  port: number;
  close(): Promise<void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
];

/** Why a request is refused, or undefined when it may pass. */
export function refusal(
  request: { method?: string; url?: string; headers: http.IncomingHttpHeaders },
  port: number,
): string | undefined {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const origins = hosts.map((h) => `http://${h}`);
  const host = (request.headers.host ?? '').toLowerCase();
  if (!hosts.includes(host)) return `Host '${request.headers.host ?? ''}' is not ${hosts.join(' or ')}`;
  const origin = request.headers.origin;
  if (origin !== undefined && !origins.includes(origin.toLowerCase()))
    return `Origin '${origin}' is not this page`;
  const site = request.headers['sec-fetch-site'];
  const method = (request.method ?? 'GET').toUpperCase();
  const navigation =
    request.headers['sec-fetch-mode'] === 'navigate' && (method === 'GET' || method === 'HEAD');
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !navigation)
    return `a ${site} request`;
  if (!SAFE_METHODS.has(method) && origin === undefined) return `a ${request.method} without an Origin`;
  return undefined;
}

/** The Content-Security-Policy for a page from this guard, allowing `inlineScripts` by hash. */
export function contentSecurityPolicy(port: number, inlineScripts: readonly string[] = []): string {
  const hashes = inlineScripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self'${hashes.map((h) => ` ${h}`).join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The inline scripts of an HTML page (those without `src`), as the browser hashes them. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (m) => m[1] as string,
  );
}

function securityHeaders(headers: http.IncomingHttpHeaders, csp: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  for (const name of CORS_HEADERS) delete out[name];
  out['content-security-policy'] = csp;
  out['x-content-type-options'] = 'nosniff';
  out['x-frame-options'] = 'DENY';
  out['referrer-policy'] = 'no-referrer';
  out['cross-origin-resource-policy'] = 'same-origin';
  out['cross-origin-opener-policy'] = 'same-origin';
  return out;
}

function refuse(res: http.ServerResponse, why: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`promptfile view refused this request: ${why}.\n`);
}

/**
 * Starts the guard on 127.0.0.1:`requested` (0: a free port) in front of promptfoo's server listening on the Unix
 * socket (or Windows pipe) `upstream`. Rejects when the port cannot be had.
 */
export async function startViewGuard(requested: number, upstream: string): Promise<ViewGuard> {
  let port = requested;
  const server = http.createServer((req, res) => {
    const why = refusal(req, port);
    if (why) return refuse(res, why);
    // Pages and scripts are read whole (below), so they must come uncompressed, and whole: a 304 would carry a
    // page's policy without the hashes, which the browser would apply to the page it cached.
    const headers = { ...req.headers, 'accept-encoding': 'identity' };
    delete headers['if-none-match'];
    delete headers['if-modified-since'];
    const forward = http.request(
      { socketPath: upstream, method: req.method, path: req.url, headers },
      (answer) => {
        const type = String(answer.headers['content-type'] ?? '');
        const html = type.startsWith('text/html');
        const script = /^(application|text)\/javascript/.test(type);
        if (!html && !script) {
          res.writeHead(
            answer.statusCode ?? 502,
            securityHeaders(answer.headers, contentSecurityPolicy(port)),
          );
          answer.pipe(res);
          return;
        }
        // Read whole: a page to hash its inline scripts, a script to apply viewFixes.ts.
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const body = Buffer.from(html ? text : fixScript(text).script, 'utf8');
          const out = securityHeaders(
            answer.headers,
            contentSecurityPolicy(port, html ? inlineScripts(text) : []),
          );
          out['content-length'] = String(body.length);
          delete out['transfer-encoding'];
          delete out['etag'];
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(body);
        });
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`promptfile view: promptfoo's server did not answer (${error.message}).\n`);
    });
    req.pipe(forward);
  });
  server.on('upgrade', (req, socket: net.Socket, head: Buffer) => {
    const why =
      refusal(req, port) ?? (req.headers.origin === undefined ? 'a socket without an Origin' : undefined);
    if (why) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\npromptfile view refused this request: ${why}.\n`,
      );
      return;
    }
    const upstreamSocket = net.connect(upstream, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i] as string}: ${req.rawHeaders[i + 1] as string}`);
      upstreamSocket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    const drop = () => {
      socket.destroy();
      upstreamSocket.destroy();
    };
    upstreamSocket.on('error', drop);
    socket.on('error', drop);
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requested, '127.0.0.1', () => resolve());
  });
  port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A socket address for promptfoo's server that only this user can reach: a Unix socket in a new directory of mode
 * 0700 (a named pipe on Windows). `dispose` removes the directory.
 */
export function privateSocket(): { path: string; dispose(): void } {
  if (process.platform === 'win32') {
    return { path: `\\\\.\\pipe\\promptfile-view-${randomUUID()}`, dispose: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-view-'));
  fs.chmodSync(dir, 0o700);
  return {
    path: path.join(dir, 'promptfoo.sock'),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
