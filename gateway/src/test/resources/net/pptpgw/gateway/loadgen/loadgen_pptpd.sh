#!/bin/bash
# `pptp-gateway loadgen` against real pptpd, whose ppp program is `pptp-gateway ppp`, in two
# network namespaces joined by a veth pair. Run 1: five sessions, MS-CHAPv2 + MPPE-128, from five
# source addresses of an AnyIP range (`ip route add local 10.99.0.0/16 dev lo`: any address in it
# can be bound, as a large load run needs), GRE stamped with IP_HDRINCL, ICMP echo inside every
# tunnel, JSON report.
# Run 2: a wrong password, reported as auth-failed. tshark on the veth checks the GRE link.
# Usage: loadgen_pptpd.sh "COMMAND RUNNING pptp-gateway" WORKDIR. Namespaces and processes are
# removed on any exit.
set -euo pipefail
JAVA=$1; WORK=$2
source "$(dirname "$0")/../netns_pair.sh" pg-lg
source "$(dirname "$0")/../pptpd.sh"
ip -n $CLI route add local 10.99.0.0/16 dev lo
ip -n $SRV route add 10.99.0.0/16 via 192.0.2.2

: > "$WORK/chap-secrets"
for i in 0 1 2 3 4; do printf 'user%d * "s3cret %d" *\n' $i $i >> "$WORK/chap-secrets"; done
printf 's3cret %%d\n' > "$WORK/password"
printf 'wrong\n' > "$WORK/wrong-password"

start_pptpd pglgs%d 10.78.0.1 10.78.0.2-30
ip netns exec $SRV tshark -q -i pg-lg-s -f 'ip proto 47 or tcp port 1723' -w "$WORK/link.pcap" > "$WORK/tshark.out" 2>&1 &
capture=$!
sleep 1.5

echo "--- run 1: five sessions"
set +e
timeout 120 ip netns exec $CLI $JAVA loadgen --server 192.0.2.1 --sessions 5 --rate 5 --hold 4s --timeout 20s \
    --user 'user%d' --password-file "$WORK/password" --source 10.99.3.250-10.99.4.1 --traffic 5 --progress 2s \
    --json > "$WORK/run1.json" 2> "$WORK/run1.err"
echo "exit $?"
set -e
cat "$WORK/run1.err"; cat "$WORK/run1.json"

echo "--- run 2: wrong password"
set +e
timeout 120 ip netns exec $CLI $JAVA loadgen --server 192.0.2.1 --sessions 1 --rate 5 --timeout 20s \
    --user 'user0' --password-file "$WORK/wrong-password" > "$WORK/run2.txt" 2> "$WORK/run2.err"
echo "exit $?"
set -e
cat "$WORK/run2.err"; cat "$WORK/run2.txt"

sleep 1
kill -INT "$capture"; wait "$capture" || true
echo "--- tshark"
tshark -r "$WORK/link.pcap" -Y 'pptp' -T fields -e ip.src -e pptp.type 2>/dev/null | sort | uniq -c
echo "malformed: $(tshark -r "$WORK/link.pcap" -Y '_ws.malformed || _ws.expert.severity == error' -T fields -e frame.number | wc -l)"
echo "gre sources: $(tshark -r "$WORK/link.pcap" -Y 'gre && ip.dst == 192.0.2.1' -T fields -e ip.src | sort -u | tr '\n' ' ')"
echo "--- server.log (tail)"
tail -n 40 "$WORK/server.log" 2>/dev/null || true
echo "LOADGEN-SCRIPT-DONE"
