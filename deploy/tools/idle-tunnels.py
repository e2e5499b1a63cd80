#!/usr/bin/env python3
# Measures the heap one idle tunnel costs on a running Warren: opens N idle sse tunnels (one interest
# each) from this machine, forces GCs with jcmd, and compares heap and Netty direct memory from /metrics.
#   (ulimit -n 20000; python3 deploy/tools/idle-tunnels.py PORT N PID)
# Loopback only; N is bounded by your file-descriptor limit (one per tunnel on each side).
import socket, sys, time, re, subprocess, urllib.request
port=int(sys.argv[1]); n=int(sys.argv[2]); pid=sys.argv[3]
def heap():
    subprocess.run(["jcmd", pid, "GC.run"], capture_output=True)
    time.sleep(1)
    subprocess.run(["jcmd", pid, "GC.run"], capture_output=True)
    time.sleep(1)
    m=urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    h=sum(float(x) for x in re.findall(r'^jvm_memory_used_bytes\{area="heap"[^}]*\} (\S+)', m, re.M))
    d=re.search(r'^netty_allocator_memory_used_bytes\{type="direct"\} (\S+)', m, re.M).group(1)
    t=re.search(r'^warren_tunnels (\S+)', m, re.M).group(1)
    return h, float(d), t
h0,d0,t0=heap()
socks=[]
for i in range(n):
    s=socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /tunnel?format=sse&new=1&subscribe=/room/{i%100} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    socks.append(s)
time.sleep(3)
for s in socks:
    s.recv(65536)
h1,d1,t1=heap()
print(f"tunnels {t0}->{t1}; heap {h0/1e6:.1f}MB -> {h1/1e6:.1f}MB = {(h1-h0)/n:.0f} B/tunnel; netty direct {d0/1e6:.1f} -> {d1/1e6:.1f} MB")
