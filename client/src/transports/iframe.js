import { root } from '../util.js';
import { callback } from './callbacks.js';

/** A hidden same-origin <iframe> on format=iframe calling back into the page. */
export const iframe = {
  usable: () => typeof root.document !== 'undefined',
  open(sink, params) {
    const frame = document.createElement('iframe');
    // Objects made in the iframe belong to its realm: copy them into ours.
    const cb = callback('f', d => sink.receive(conn, JSON.parse(JSON.stringify(d))));
    const conn = {
      name: 'iframe',
      close() { frame.onload = null; frame.remove(); cb.done(); },
    };
    frame.style.display = 'none';
    frame.setAttribute('aria-hidden', 'true');
    // The document finishes loading when the response ends, whether by its footer or a cut connection.
    frame.onload = () => sink.lost(conn, 'ended');
    frame.src = sink.url('/tunnel', { format: 'iframe', ...params, callback: cb.name });
    document.body.appendChild(frame);
    return conn;
  },
};
