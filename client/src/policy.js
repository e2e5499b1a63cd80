import { backoff } from './util.js';
import { ORDER, transports } from './transports/index.js';

/**
 * The transport policy, the one owner of "which transport next, and when":
 * - a transport steps down only when it failed before opening while the server was reachable (a proxy
 *   that blocks WebSocket or buffers streams), never because the server was unreachable; one that
 *   has worked before gets a second chance first;
 * - after stepping down, the best transport is probed again in the background (`probeInterval`,
 *   doubling up to 16 times that after each failed probe);
 * - retry delays are full-jitter exponential backoff, never below a server's Retry-After; after
 *   `maxAttempts` failed attempts in a row (0: no limit) the client gives up.
 */
export class Policy {
  constructor(opts) {
    this.opts = opts;
    const wanted = opts.transport === 'auto' ? ORDER : [opts.transport];
        this.candidates = wanted.filter(t => ORDER.includes(t) && transports[t].usable());
    if (this.candidates.length === 0) throw new Error('no usable transport: ' + wanted);
    this.index = 0;
    this.attempt = 0;        // failed attempts in a row
    this.failures = 0;       // failures of the current transport before it opened
    this.worked = new Set();
    this.probeDelay = opts.probeInterval;
  }

  current() { return this.candidates[this.index]; }
  best() { return this.candidates[0]; }
  canStepDown() { return this.index < this.candidates.length - 1; }

  /** An attempt opened: counters reset; answers whether to probe the best transport later. */
  opened(name) {
    this.index = Math.max(0, this.candidates.indexOf(name));
    this.attempt = 0;
    this.failures = 0;
    this.worked.add(name);
    return this.index > 0 && this.opts.probeInterval > 0;
  }

  /** A connection failed before opening: whether the reachable-server check may lead to a step down. */
  mayStepDown(name) {
    this.failures++;
    return this.canStepDown() && (!this.worked.has(name) || this.failures >= 2);
  }

  stepDown() { this.index++; this.failures = 0; }

  probeFailed() { this.probeDelay = Math.min(this.probeDelay * 2, this.opts.probeInterval * 16); }
  probeSucceeded() { this.probeDelay = this.opts.probeInterval; }

  /** The next retry delay (ms), or -1 when `maxAttempts` is spent. */
  nextDelay(floor) {
    if (this.opts.maxAttempts > 0 && this.attempt >= this.opts.maxAttempts) return -1;
    return backoff(this.attempt++, this.opts.backoffMin, this.opts.backoffMax, floor || 0);
  }
}
