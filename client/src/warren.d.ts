// Type declarations for the Warren browser client (the ES module /warren.js; for the plain script see global.d.ts).

/** How the client reaches the server. `auto` tries ws, sse, stream, longpoll, iframe, jsonp in turn. */
export type Transport = 'ws' | 'sse' | 'stream' | 'longpoll' | 'iframe' | 'jsonp';

export interface WarrenOptions {
  /** A transport, or `auto` (default) for the best one available, falling back on failure. */
  transport?: Transport | 'auto';
  /** Milliseconds for the open datagram to arrive before the attempt counts as failed (default 10000). */
  openTimeout?: number;
  /** Retry delays are uniform in [0, min(backoffMax, backoffMin * 2^attempt)] ms (full jitter; default 500). */
  backoffMin?: number;
  /** Cap of the retry delay in ms (default 15000). */
  backoffMax?: number;
  /** Failed attempts in a row before the client closes with `unreachable`; 0 (default): never gives up. */
  maxAttempts?: number;
  /** Ms after falling back before the best transport is probed again (default 60000; 0: never). */
  probeInterval?: number;
  /** How many datagram ids are remembered to drop duplicates (default 2048). */
  dedupWindow?: number;
  /** Milliseconds before publish() rejects `timeout` without an ack (default 30000). Subscriptions never time out. */
  publishTimeout?: number;
  /** Bytes per /events request or WebSocket frame: the server's max-body (default 65536). */
  maxBody?: number;
  /** Silence in ms after which a connection counts as dead; default: from the server's keepalive. */
  deadAfter?: number;
  /** Credentials, sent as `token=` on /tunnel requests. */
  token?: string | null;
  /**
   * Fresh credentials: called before the first open, after a 401/403, after `expired`, and `refreshAhead` ms
   * before the expiry /meta/open announces, to refresh the tunnel's token in-band (/meta/refresh).
   */
  getToken?: (() => Promise<string> | string) | null;
  /** Ms before the credentials expire that getToken() is called to refresh them (default 60000; at most half the lifetime). */
  refreshAhead?: number;
  /** Send cookies cross-origin (fetch `credentials: 'include'`, EventSource `withCredentials`). */
  withCredentials?: boolean;
  /** Share one tunnel between all tabs of this origin (a Web Locks leader tab, or a SharedWorker with workerUrl). */
  shareTabs?: boolean;
  /** With shareTabs: the URL of this script (/warren.global.js, or /warren.js with workerType 'module') to run a SharedWorker. */
  workerUrl?: string | URL | null;
  /** How workerUrl is loaded (default 'classic'). */
  workerType?: 'classic' | 'module';
}

/** The client's lifecycle. */
export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Error codes of rejections and `error` events: the server's (`forbidden`, `bad-path`, `too-large`,
 * `rate-limited`, `too-many`, `overloaded`, `unauthorized`, ...) and the client's own.
 */
export type ErrorCode = 'timeout' | 'closed' | 'replaced' | 'unsubscribed' | 'too-large' | 'forbidden' | 'bad-path'
  | 'bad-request' | 'rate-limited' | 'too-many' | 'overloaded' | 'unauthorized' | 'unreachable' | 'connect-failed'
  | 'handler' | 'token' | (string & {});

/** A datagram as handlers receive it; `data` is already parsed. */
export interface Datagram<T = unknown> {
  id: string;
  path: string;
  data: T;
  /** The sender's public client id, when a client published it. */
  from?: string;
}

export interface Subscription {
  pattern: string;
  /** Resolves when the server acknowledged the interest; rejects with its refusal (forbidden, bad-path), `closed` or `unsubscribed`. */
  ready: Promise<void>;
  unsubscribe(): void;
}

export interface Ack {
  ok: true;
  /** The id the datagram is delivered with. */
  id: string;
  /** Epoch ms: when refreshed credentials expire (the ack of a token refresh only). */
  expires?: number;
}

/** A rejection from publish() or Subscription.ready: an error code and message. */
export interface WarrenError extends Error {
  error: ErrorCode;
}

export interface OpenInfo {
  client: string;
  transport: Transport;
  path?: string;
  resumed: boolean;
  gap?: boolean;
  replaced?: boolean;
  shared?: boolean;
}

export interface CloseInfo {
  /** `client` after close(); else why: `unauthorized`, `forbidden`, `unreachable` (maxAttempts), a server reason. */
  reason: string;
  error?: ErrorCode;
  message?: string;
  /** The HTTP status that closed it (401, 403, 400, ...). */
  status?: number;
  byServer?: boolean;
}

export interface WarrenEvents {
  /** Every change of `state`. */
  state: { state: State; previous: State; reason?: string; transport?: Transport };
  /** First open of the tunnel. */
  open: OpenInfo;
  /** The connection was lost; the client is retrying. */
  reconnecting: { reason: string; transport: Transport | null };
  /** Re-attached to the same tunnel; nothing was lost. */
  resume: OpenInfo;
  /** Re-attached, but some datagrams were lost (the replay buffer no longer held them). */
  gap: OpenInfo;
  /** The tunnel had been culled: a new one was opened and every interest registered again. */
  replaced: OpenInfo;
  /** Closed for good: close() was called or the server said not to reconnect. */
  close: CloseInfo;
  /**
   * A failed attempt while connecting for the first time (`connect-failed`, or the server's code), a server
   * error datagram, a refused subscription, an exception thrown by a handler (`handler`), a failing
   * getToken (`token`). Without a listener, errors go to console.error.
   */
  error: { error: ErrorCode; message?: string; pattern?: string; transport?: Transport; status?: number; cause?: unknown; refresh?: boolean };
  /**
   * Every datagram received, including those sent to this client's own path /client/C, and the backend's
   * changes to this tunnel's interests: `/meta/subscribed` and `/meta/unsubscribed` with data
   * `{path, subpaths}` (POST /api/subscribe, /api/unsubscribe). Datagrams of an interest the backend added
   * come here (and to any subscribe() handler whose pattern matches); a replacement tunnel does not have it.
   */
  datagram: Datagram;
  /** The tunnel's token was refreshed in-band (getToken ahead of expiry); `expires` is the new expiry (epoch ms). */
  refresh: { expires: number | null };
  /** The server removed a subscription (e.g. a refreshed token no longer allows it); it no longer receives anything. */
  unsubscribed: { pattern: string; subpaths: boolean; reason: string };
}

export declare class Warren {
  constructor(url?: string, options?: WarrenOptions);
  /** The public client id, null until open. */
  readonly client: string | null;
  /** The transport in use now, after any fallback; null until open. */
  readonly transport: Transport | null;
  readonly state: State;
  /** How tabs share the tunnel, or null. */
  readonly sharing: 'shared-worker' | 'broadcast-channel' | null;
  readonly url: string;
  readonly options: Readonly<Required<WarrenOptions>>;
  on<K extends keyof WarrenEvents>(event: K, listener: (info: WarrenEvents[K]) => void): () => void;
  off<K extends keyof WarrenEvents>(event: K, listener: (info: WarrenEvents[K]) => void): void;
  subscribe<T = unknown>(pattern: string, handler: (datagram: Datagram<T>) => void, options?: { subpaths?: boolean }): Subscription;
  publish(path: string, data?: unknown, options?: { id?: string }): Promise<Ack>;
  /** Drops the connection as a network failure would; the client reconnects and resumes. */
  drop(): void;
  close(): void;
}

/** Client-side pattern matching, the same rules as the server's. */
export declare function matcher(pattern: string, subpaths?: boolean): (path: string) => boolean;

export default Warren;
