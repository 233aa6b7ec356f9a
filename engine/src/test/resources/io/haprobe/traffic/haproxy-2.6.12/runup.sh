#!/bin/bash
python3 slow.py 18481 4 & s1=$!
python3 slow.py 18482 4 & s2=$!
sleep 0.5
haproxy -db -f up.cfg > up.log 2>&1 & hp=$!
sleep 1
echo "set server rd/s2 health down" | socat - UNIX-CONNECT:/tmp/hv/admin3.sock
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -w "req$i %{http_code} %{time_total}\n" http://127.0.0.1:18500/ >> up.curl &
  sleep 0.1
done
sleep 0.5
echo "show stat" | socat - UNIX-CONNECT:/tmp/hv/admin3.sock > up.before.csv
echo "set server rd/s2 health up" | socat - UNIX-CONNECT:/tmp/hv/admin3.sock
sleep 6
echo "show stat" | socat - UNIX-CONNECT:/tmp/hv/admin3.sock > up.end.csv
kill $hp $s1 $s2
wait 2>/dev/null
