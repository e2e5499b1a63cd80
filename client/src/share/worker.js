import { root } from '../util.js';
import { Hub, serveTab } from './hub.js';

// Inside a SharedWorker started with this script (the `workerUrl` option): serve the tabs that connect,
// one hub per server URL. Outside a SharedWorker this does nothing.
const hubs = new Map();

export function installWorker() {
  if (typeof root.SharedWorkerGlobalScope !== 'function' || !(root instanceof root.SharedWorkerGlobalScope)) return;
  root.onconnect = e => {
    const port = e.ports[0];
    let handler = null;
    port.onmessage = ev => {
      const m = ev.data;
      if (m.op === 'hello') {
        let hub = hubs.get(m.url);
        if (!hub || hub.core.state === 'closed') { hub = new Hub(m.url, m.options); hubs.set(m.url, hub); }
        handler = serveTab(hub, port);
      } else if (handler) {
        handler(m);
      }
    };
    port.start();
  };
}
