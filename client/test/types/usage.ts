// Compiled by the tests with `tsc --noEmit --strict` (tsconfig.json here): the declarations must accept
// this ordinary use of the package, and reject what the @ts-expect-error lines get wrong.
import { Warren, matcher, type Datagram, type State, type WarrenError } from 'warren-client';

const w = new Warren('https://push.example.com/base?app=1', {
  transport: 'auto', token: 't', getToken: async () => 'fresh', withCredentials: true,
  maxAttempts: 5, probeInterval: 30000, maxBody: 65536, shareTabs: true, workerUrl: '/warren.js', workerType: 'module',
});
const state: State = w.state;
w.on('state', s => { const now: State = s.state; console.log(now, s.previous); });
w.on('error', e => console.log(e.error, e.message));
w.on('close', c => console.log(c.reason, c.status));
const sub = w.subscribe<{ text: string }>('/chat/**', (d: Datagram<{ text: string }>) => console.log(d.data.text, d.from));
sub.ready.catch((e: WarrenError) => console.log(e.error));
w.publish('/chat/a', { text: 'hi' }, { id: 'm1' }).then(ack => console.log(ack.id));
const match: (p: string) => boolean = matcher('/a/*');
// @ts-expect-error: not a transport
new Warren('/', { transport: 'carrier-pigeon' });
// @ts-expect-error: no global Warren for ES module users
console.log(window.Warren, state, match);
sub.unsubscribe();
w.close();
