// Entry of /warren.global.js: a plain script that sets window.Warren (with Warren.matcher).
import { Warren, matcher } from './warren.js';

Warren.matcher = matcher;
globalThis.Warren = Warren;
