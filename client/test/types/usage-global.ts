// The ./global entry: the plain script's global Warren, with Warren.matcher.
import 'warren-client/global';

const w = new Warren(location.origin, { transport: 'sse' });
w.subscribe('/news/*', d => console.log(d.path));
console.log(Warren.matcher('/news/*')('/news/a'), window.Warren === Warren);
