// Type declarations for /warren.global.js (package entry `warren-client/global`): a plain script that
// sets the global `Warren`, with `Warren.matcher`. ES module users import warren.js and get no global.
import type { Warren as WarrenClass, matcher } from './warren.js';

declare global {
  /** Set by /warren.global.js. */
  var Warren: typeof WarrenClass & { matcher: typeof matcher };
}

export {};
