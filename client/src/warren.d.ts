// Type declarations for the Warren browser client (src/warren.js, dist/warren.global.js).

/** How the client reaches the server. `auto` tries ws, sse, stream, longpoll, iframe, jsonp in turn. */
export type Transport = 'ws' | 'sse' | 'stream' | 'longpoll' | 'iframe' | 'jsonp';

export interface WarrenOptions {
  /** A transport, or `auto` (default) for the best one available, falling back on failure. */
  transport?: Transport | 'auto';
  /** Milliseconds for the open datagram to arrive before the transport counts as failed (default 10000). */
  openTimeout?: number;
  /** First reconnection delay in ms (default 500); doubled per failed attempt, with jitter. */
  backoffMin?: number;
  /** Longest reconnection delay in ms (default 15000). */
  backoffMax?: number;
  /** How many datagram ids are remembered to drop duplicates (default 2048). */
  dedupWindow?: number;
  /** Milliseconds before publish() rejects without an ack (default 30000). */
  publishTimeout?: number;
  /** Silence in ms after which a connection counts as dead; default: from the server's keepalive. */
  deadAfter?: number;
  /** Share one tunnel between all tabs of this origin (SharedWorker, else a BroadcastChannel leader). */
  shareTabs?: boolean;
  /** With shareTabs: false forces the BroadcastChannel leader even where SharedWorker exists. */
  sharedWorker?: boolean;
}

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
  /** Resolves when the server acknowledged the interest; rejects with its error (e.g. forbidden, bad-path). */
  ready: Promise<void>;
  unsubscribe(): void;
}

export interface Ack {
  ok: true;
  /** The id the datagram is delivered with. */
  id: string;
}

/** A rejection from publish() or Subscription.ready: the server's error code and message. */
export interface WarrenError extends Error {
  error: string;
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
  /** `client` after close(), else the server's reason (e.g. unauthorized). */
  reason: string;
  error?: string;
  message?: string;
  byServer?: boolean;
}

export interface WarrenEvents {
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
  /** A server error datagram, a refused subscription, or an exception thrown by a handler. */
  error: { error: string; message?: string; pattern?: string };
  /** Every datagram received, including those sent to this client's own path /client/C. */
  datagram: Datagram;
}

export declare class Warren {
  constructor(url?: string, options?: WarrenOptions);
  /** The public client id, null until open. */
  readonly client: string | null;
  /** The transport in use now, after any fallback; null until open. */
  readonly transport: Transport | null;
  readonly state: 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** How tabs share the tunnel, or null. */
  readonly sharing: 'shared-worker' | 'broadcast-channel' | null;
  readonly url: string;
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

declare global {
  interface Window {
    /** Set by /warren.global.js. */
    Warren: typeof Warren;
  }
}
