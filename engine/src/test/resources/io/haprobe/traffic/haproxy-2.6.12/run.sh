#!/bin/bash
# usage: run.sh CFG SOCK PORT OUT
cfg=$1; sock=$2; port=$3; out=$4
python3 slow.py 18481 4 & s1=$!
python3 slow.py 18482 0 & s2=$!
sleep 0.5
haproxy -db -f $cfg > $out.log 2>&1 & hp=$!
sleep 1
for i in 1 2 3 4; do
  curl -s -o /dev/null -w "req$i %{http_code} %{time_total}\n" -H "Cookie: SRV=a" http://127.0.0.1:$port/ >> $out.curl &
  sleep 0.1
done
sleep 0.5
echo "show stat" | socat - UNIX-CONNECT:$sock > $out.before.csv
echo "set server rd/s1 health down" | socat - UNIX-CONNECT:$sock
sleep 0.3
echo "show stat" | socat - UNIX-CONNECT:$sock > $out.after.csv
sleep 5
echo "show stat" | socat - UNIX-CONNECT:$sock > $out.end.csv
kill $hp $s1 $s2
wait 2>/dev/null
