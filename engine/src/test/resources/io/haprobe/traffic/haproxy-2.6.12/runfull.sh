#!/bin/bash
python3 slow.py 18481 3 & p1=$!
sleep 0.3
haproxy -db -f fullconn.cfg > fullconn.log 2>&1 & hp=$!
sleep 0.7
for i in $(seq 1 12); do curl -s -o /dev/null -m 50 http://127.0.0.1:19100/ & done
sleep 1
for i in $(seq 1 12); do
  echo "t=$i $(echo 'show stat' | socat - UNIX-CONNECT:/tmp/hv/admin11.sock | grep -E '^rd,(s1|BACKEND),' | cut -d, -f2,3,4,5,6,8 | tr '\n' ' ')" >> fullconn.samples
  sleep 1
done
kill $hp $p1; wait 2>/dev/null
