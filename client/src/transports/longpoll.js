import { httpFailure, root } from '../util.js';
import { pollLoop } from './poll.js';

/** A fetch loop on format=longpoll. */
export const longpoll = {
  usable: () => typeof root.fetch === 'function',
  open(sink, params) {
    return pollLoop(sink, params, 'longpoll', async (url, conn) => {
      const r = await fetch(url, { ...sink.fetchInit(), signal: conn.ctl.signal });
      if (!r.ok) throw await httpFailure(r);
      return r.json();
    });
  },
};
