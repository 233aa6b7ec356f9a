#!/bin/bash
cd /tmp/hv
python3 slow.py 18481 3 & p1=$!
sleep 0.3
haproxy -db -f backup.cfg > backup.log 2>&1 & hp=$!
sleep 0.7
echo "set server first/s1 health down; set server all/s1 health down" | socat - UNIX-CONNECT:/tmp/hv/admin13.sock
for i in 1 2 3; do curl -s -o /dev/null http://127.0.0.1:19301/ & curl -s -o /dev/null http://127.0.0.1:19302/ & sleep 0.1; done
sleep 0.5
echo "show stat" | socat - UNIX-CONNECT:/tmp/hv/admin13.sock > backup.mid.csv
echo "set server first/s1 health up; set server all/s1 health up" | socat - UNIX-CONNECT:/tmp/hv/admin13.sock
sleep 0.3
echo "show stat" | socat - UNIX-CONNECT:/tmp/hv/admin13.sock > backup.up.csv
sleep 3
kill $hp $p1; wait 2>/dev/null
