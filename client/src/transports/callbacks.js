import { nextSeq } from '../util.js';

// jsonp and iframe answers call a function by name. All of them live in ONE global object,
// window.__warren, and each is removed once done: no global per poll. A script or frame that was cut
// may still run later, so an abandoned name keeps a no-op for a while before it is deleted.
const GRACE = 10000;

function registry() {
  if (!window.__warren) Object.defineProperty(window, '__warren', { value: Object.create(null), configurable: true });
  return window.__warren;
}

/** Registers `fn` under a fresh name; returns { name (the callback= value), done(), abandon() }. */
export function callback(prefix, fn) {
  const reg = registry();
  const key = prefix + nextSeq();
  reg[key] = fn;
  return {
    name: '__warren.' + key,
    done() { delete reg[key]; },
    abandon() { reg[key] = () => {}; setTimeout(() => { delete reg[key]; }, GRACE); },
  };
}
