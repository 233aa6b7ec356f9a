#!/bin/bash
python3 slow.py 18481 60 & p1=$!
python3 slow.py 18482 60 & p2=$!
sleep 0.3
haproxy -db -f ramp.cfg > ramp.log 2>&1 & hp=$!
sleep 0.7
echo "set server rd/s1 health down" | socat - UNIX-CONNECT:/tmp/hv/admin10.sock
for i in $(seq 1 40); do curl -s -o /dev/null -m 50 http://127.0.0.1:19000/ & done
sleep 0.5
echo "set server rd/s1 health up" | socat - UNIX-CONNECT:/tmp/hv/admin10.sock
date +%s.%N > ramp.samples
for i in $(seq 0 12); do
  echo "t=$i $(date +%s.%N) $(echo 'show stat' | socat - UNIX-CONNECT:/tmp/hv/admin10.sock | grep -E '^rd,(s1|BACKEND),' | cut -d, -f2,3,5,19,30 | tr '\n' ' ')" >> ramp.samples
  sleep 1
done
kill $hp $p1 $p2; wait 2>/dev/null
