#!/bin/bash
# The three JVM profiles of operations.md at the moderate point, alternating, 3 rounds.
cd "$(dirname "$0")/../../../.."
OUT=warren-bench/results/issue13/jvm-profiles
COMMON="-Xss512k -XX:MaxDirectMemorySize=512m -Dio.netty.leakDetection.level=disabled"
declare -A J
J[memory]="launcher"
J[balanced]="-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xms32m -Xmx1g $COMMON"
J[latency]="-XX:+UseZGC -Xms2g -Xmx2g -XX:+AlwaysPreTouch $COMMON"
for round in 1 2 3; do
  for p in memory balanced latency; do
    echo "round $round $p $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 600 warren-bench/bench paths --name=moderate-$p-$round --subscribers=1000 --paths=10 --per-group=1 --rates=100 \
      --warmup=60 --duration=6 --runs=1 --targets=warren --server-jvm="${J[$p]}" --out=$OUT 2>&1 | tail -1
  done
done
