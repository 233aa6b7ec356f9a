#!/bin/bash
cd /tmp/hv
python3 slow.py 18481 2 & p1=$!
python3 slow.py 18482 0 & p2=$!
sleep 0.3
haproxy -db -f mq.cfg > mq.log 2>&1 & hp=$!
sleep 0.7
for i in 1 2 3; do curl -s -o /dev/null -w "req$i %{http_code} %{time_total}\n" -H "Cookie: SRV=a" http://127.0.0.1:19401/ & sleep 0.1; done
sleep 5
echo "show stat" | socat - UNIX-CONNECT:/tmp/hv/admin14.sock > mq.csv
kill $hp $p1 $p2; wait 2>/dev/null
