import { root } from '../util.js';
import { callback } from './callbacks.js';
import { pollLoop } from './poll.js';

/** A loop of <script> tags on format=jsonp. */
export const jsonp = {
  usable: () => typeof root.document !== 'undefined',
  open(sink, params) {
    return pollLoop(sink, params, 'jsonp', (url, conn) => new Promise((resolve, reject) => {
      const script = document.createElement('script');
      const cb = callback('j', arr => { finish(); cb.done(); resolve(arr); });
      const finish = () => { script.onerror = null; script.remove(); conn.cleanup = null; };
      script.onerror = () => { finish(); cb.abandon(); reject(new Error('script error')); };
      conn.cleanup = () => { finish(); cb.abandon(); reject(new Error('closed')); };
      script.src = url + '&callback=' + cb.name;
      document.head.appendChild(script);
    }));
  },
};
