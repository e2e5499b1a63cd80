/**
 * The transports, each in its own module behind one small interface.
 *
 * A transport is `{ usable(): boolean, open(sink, params): conn }`. `usable` tells whether this
 * environment can run it; `open` starts one connection to `/tunnel` with `params` (new=1, or
 * tunnel/last/subscribe) and returns `conn = { name, close(), send?(obj), framed?, poll? }`:
 * `close()` stops it silently; `send` exists on framed transports (the socket carries client datagrams).
 *
 * The connection reports to its sink, and only to it:
 * - `sink.url(path, params)` builds a URL on the server (base path, base query and credentials kept);
 * - `sink.fetchInit()` the init of every fetch (credentials mode, no cache);
 * - `sink.receive(conn, datagram)` for each datagram, in order;
 * - `sink.answered(conn)` after each poll answer, `sink.touch(conn)` when a poll starts;
 * - `sink.lost(conn, reason, detail)` once, when it fails or ends; `detail` may carry the HTTP `status`,
 *   the server's `error` code and `retryAfter` (ms), or the WebSocket close `code`.
 * Reports from a connection the sink has given up are ignored by the sink.
 */
import { ws } from './ws.js';
import { sse } from './sse.js';
import { stream } from './stream.js';
import { longpoll } from './longpoll.js';
import { iframe } from './iframe.js';
import { jsonp } from './jsonp.js';

/** Transports in the order `auto` tries them. */
export const ORDER = ['ws', 'sse', 'stream', 'longpoll', 'iframe', 'jsonp'];

export const transports = { ws, sse, stream, longpoll, iframe, jsonp };

