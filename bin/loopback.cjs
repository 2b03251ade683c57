// Preloaded into `promptfoo view` by `promptfile view`: promptfoo's web server listens on every interface
// and has no host flag, so every server this process starts is bound to 127.0.0.1 instead.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
const HOST = process.env.PROMPTFILE_VIEW_HOST || '127.0.0.1';
net.Server.prototype.listen = function patchedListen(...args) {
  const first = args[0];
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
