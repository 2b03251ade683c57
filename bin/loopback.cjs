// Preloaded into `promptfoo view` by `promptfile view`: promptfoo's web server listens on every interface
// and has no host flag, so every server this process starts is bound to 127.0.0.1 instead.
// With PROMPTFILE_VIEW_SOCKET set, the server asked for port PROMPTFILE_VIEW_PORT listens on that Unix socket
// (or Windows pipe) instead, and no TCP port at all: promptfile view's guard is then the only way in, since a
// web page can reach any loopback TCP port but no socket file.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
const HOST = process.env.PROMPTFILE_VIEW_HOST || '127.0.0.1';
const SOCKET = process.env.PROMPTFILE_VIEW_SOCKET;
const SOCKET_PORT = Number(process.env.PROMPTFILE_VIEW_PORT);

/** The TCP port a listen() call asks for, or undefined when it asks for a path, fd or handle. */
function portOf(first) {
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (first.path !== undefined || first.fd !== undefined || first.handle !== undefined) return undefined;
    return Number(first.port ?? 0);
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return Number(first);
  return undefined;
}

net.Server.prototype.listen = function patchedListen(...args) {
  const first = args[0];
  if (SOCKET && SOCKET_PORT > 0 && portOf(first) === SOCKET_PORT) {
    const callback = args.find((a) => typeof a === 'function');
    return listen.call(this, { path: SOCKET }, callback);
  }
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (
      first.path === undefined &&
      first.fd === undefined &&
      first.handle === undefined &&
      (first.host === undefined || first.host === '0.0.0.0' || first.host === '::')
    ) {
      args[0] = { ...first, host: HOST };
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const second = args[1];
    if (typeof second !== 'string' || second === '0.0.0.0' || second === '::') {
      args.splice(1, typeof second === 'string' ? 1 : 0, HOST);
    }
  }
  return listen.apply(this, args);
};
