#!/usr/bin/env python3
"""Splits async-profiler collapsed stacks (event=cpu, interval=1ms: one sample per ms of CPU) into components.

usage: components.py [--publish] LABEL:FILE[,FILE...] [LABEL:FILE,...]
Each FILE is one 10 s window (loop=10s); the figures are samples (ms of CPU) per window, averaged over the
files of a label. A stack counts for the first component whose pattern it contains, in the order below.
"""
import sys, collections, gzip
DELIVERY=[('JIT compiler','CompileBroker'),('GC','GCTaskThread|VMThread|SerialHeap|DefNewGeneration'),
 ('leak detector','ResourceLeakDetector'),
 ('socket write syscalls (send/writev, kernel incl.)','writevAddresses|sendAddress|Native.writev|writeBytesMultiple|doWriteSingle|doWriteMultiple'),
 ('HTTP chunk encoder','HttpObjectEncoder'),('publish request (read, decode, endpoint)','epollInReady'),
 ('engine flush (Tunnel/StreamDelivery, excl. above)','Shard.flushDirty'),('engine route/deliver','Shard.route|Shard.drain'),
 ('epoll wait','epollWait|epoll_pwait'),
 ('other socket-event work (pipeline, handlers)','EpollIoHandler.run'),]
# --publish: the publish point (POST /publish with one subscriber), split by what each request costs
PUBLISH=[('JIT compiler','CompileBroker'),('GC','GCTaskThread|VMThread|SerialHeap|DefNewGeneration'),
 ('leak detector','ResourceLeakDetector'),
 ('delivery to the subscriber: send syscalls','Shard.flushDirty.*(sendAddress|writevAddresses)'),
 ('delivery to the subscriber: the rest','Shard.flushDirty'),
 ('acks: send syscalls','sendAddress|writevAddresses'),
 ('socket reads (recv, kernel incl.)','doReadBytes|readAddress|recvAddress'),
 ('HTTP request decoding and aggregation','HttpObjectDecoder|MessageAggregator'),
 ('JSON parse','ClientDatagramParser'),('ack rendering','Responses.acks'),
 ('engine publish (route, hand-off to the shard loop)','Node.publish|Publishing|Shard.route|Shard.drain|eventFdWrite'),
 ('epoll wait','epollWait|epoll_pwait'),
 ('other socket-event work (pipeline, handlers)','EpollIoHandler.run'),]
args=sys.argv[1:]
CATS=DELIVERY
if args and args[0]=='--publish':
  CATS=PUBLISH; args=args[1:]
import re
res={}
for arg in args:
  label, files = arg.split(':',1); files=files.split(','); c=collections.Counter(); tot=0
  for f in files:
    for line in (gzip.open(f, 'rt') if f.endswith('.gz') else open(f)):
      st,n=line.rstrip().rsplit(' ',1); n=int(n); tot+=n
      for name,pat in CATS:
        if re.search(pat, st): c[name]+=n; break
      else: c['other']+=n
  res[label]=(tot/len(files), {k:v/len(files) for k,v in c.items()})
labels=list(res)
print('| component | ' + ' | '.join(f'{l} (ms CPU per 10 s)' for l in labels)+' |')
print('|---|'+'---|'*len(labels))
for name,_ in CATS+[('other','')]:
  print(f'| {name} | ' + ' | '.join(f"{res[l][1].get(name,0):.0f} ({res[l][1].get(name,0)*100/res[l][0]:.1f} %)" for l in labels)+' |')
print('| **total** | '+' | '.join(f"**{res[l][0]:.0f}**" for l in labels)+' |')
