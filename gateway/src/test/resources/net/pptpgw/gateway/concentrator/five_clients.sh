#!/bin/bash
# Five real `pptp --nolaunchpppd` clients, each in its own namespace with `pptp-gateway ppp` as its
# PPP client, against `pptp-gateway concentrator` in a namespace of its own; a host namespace sits
# behind the concentrator's TUN. Clients 1-4: MS-CHAPv2 + MPPE-128 (stateless, the mode the
# concentrator allows by default; user u3 has the fixed address 10.88.1.3 in chap-secrets); client 5: PAP without
# MPPE, which the policy (--mppe allow) permits. Each client's kernel pings the host and runs a
# bounded iperf3 TCP test to it, all five at once. Then: tshark on the GRE link finds no
# malformed frame; a sixth client with a wrong password gets MS-CHAPv2's E=691 and its call and
# address are released; client 1 hangs up (LCP Terminate) and its session, call and address
# go; SIGTERM ends the rest. Metrics are checked at every step.
# Usage: five_clients.sh "COMMAND RUNNING pptp-gateway" PTY_RELAY WORKDIR.
# Every namespace and process is removed on any exit.
set -euo pipefail
JAVA=$1; RELAY=$2; WORK=$3
SRV=pg-cc-srv; HST=pg-cc-hst
CLIENTS="1 2 3 4 5 6"
METRICS=http://127.0.0.1:9724/metrics
source "$(dirname "$0")/../netns.sh" $SRV $HST $(for n in $CLIENTS; do echo pg-cc-cli$n; done)

# --- the concentrator's namespace: a bridge for the clients, a veth to the host behind it.
ip netns add $SRV
ip netns add $HST
ip -n $SRV link set lo up
ip -n $HST link set lo up
ip -n $SRV link add pg-br type bridge
ip -n $SRV addr add 192.0.2.1/24 dev pg-br
ip -n $SRV link set pg-br up
ip link add pg-cc-hs type veth peer name pg-cc-hh
ip link set pg-cc-hs netns $SRV
ip link set pg-cc-hh netns $HST
ip -n $SRV addr add 198.51.100.1/24 dev pg-cc-hs
ip -n $HST addr add 198.51.100.2/24 dev pg-cc-hh
ip -n $SRV link set pg-cc-hs up
ip -n $HST link set pg-cc-hh up
ip -n $HST route add 10.88.0.0/16 via 198.51.100.1
ip netns exec $SRV sysctl -qw net.ipv4.ip_forward=1
for n in $CLIENTS; do
    ns=pg-cc-cli$n
    ip netns add $ns
    ip -n $ns link set lo up
    ip link add pg-cc-b$n type veth peer name pg-cc-c$n
    ip link set pg-cc-b$n netns $SRV
    ip link set pg-cc-c$n netns $ns
    ip -n $SRV link set pg-cc-b$n master pg-br
    ip -n $SRV link set pg-cc-b$n up
    ip -n $ns addr add 192.0.2.1$n/24 dev pg-cc-c$n
    ip -n $ns link set pg-cc-c$n up
done

cat > "$WORK/chap-secrets" <<SECRETS
# client  server  secret        addresses
u1        *       "pass one"    *
u2        *       "pass two"    *
u3        *       "pass three"  10.88.1.3
u4        *       "pass four"   *
u5        *       "pass five"   *
u6        *       "pass six"    *
SECRETS
for n in 1 2 3 4 5; do printf 'pass %s\n' $(echo x one two three four five | cut -d' ' -f$((n + 1))) > "$WORK/password$n"; done
printf 'not the password\n' > "$WORK/password6"

ip netns exec $SRV tshark -q -i pg-br -f 'ip proto 47' -w "$WORK/gre.pcap" > "$WORK/tshark.out" 2>&1 &
capture=$!
ip netns exec $SRV $JAVA concentrator --listen 192.0.2.1 --pool 10.88.0.10-10.88.0.20 --pool 10.88.1.0/29 \
    --local-address 10.88.0.1 --secrets "$WORK/chap-secrets" --name pptpd --auth mschapv2,pap --mppe allow \
    --mppe-bits 128 --dns 198.51.100.53 --tun pgcc%d --metrics 127.0.0.1:9724 --lcp-echo-interval 10s \
    > "$WORK/concentrator.log" 2>&1 &
concentrator=$!
wait_log "$WORK/concentrator.log" 'stop with SIGTERM' 30
sleep 1 # tshark is listening by now too

client() { # client N AUTH_ARGS...
    local n=$1; shift
    ip netns exec pg-cc-cli$n unshare -m sh -c "mount -t tmpfs tmpfs /run && mkdir -p /run/pptp && exec $JAVA ppp \
        --role client --user u$n --password-file $WORK/password$n --tun pgcli%d $* --log-file $WORK/client$n.log \
        --pty '/usr/bin/python3 $RELAY /usr/sbin/pptp 192.0.2.1 --nolaunchpppd'" > "$WORK/client$n.out" 2>&1 &
    client_pid[$n]=$!
}
declare -a client_pid
client 1 --auth mschapv2 --mppe require --mppe-bits 128 --stateless
client 2 --auth mschapv2 --mppe require --mppe-bits 128 --stateless
client 3 --auth mschapv2 --mppe require --mppe-bits 128 --stateless
client 4 --auth mschapv2 --mppe require --mppe-bits 128 --stateless
client 5 --auth pap --mppe deny

for n in 1 2 3 4 5; do wait_log "$WORK/client$n.log" 'TUN .* up' 60 || { cat "$WORK/client$n.log" "$WORK/concentrator.log"; exit 1; }; done
echo "--- client logs"
for n in 1 2 3 4 5; do echo "client $n: $(grep -E 'network up|TUN .* up' "$WORK/client$n.log" | tr '\n' ' ')"; done
addresses=""
for n in 1 2 3 4 5; do
    address=$(sed -n 's/.*TUN pgcli[0-9]* up: \([0-9.]*\) peer 10.88.0.1 .*/\1/p' "$WORK/client$n.log")
    test -n "$address"
    addresses="$addresses $address"
    ip -n pg-cc-cli$n route add 198.51.100.0/24 dev pgcli0
done
echo "addresses:$addresses"
test "$(echo $addresses | tr ' ' '\n' | sort -u | wc -l)" = 5
grep -q 'TUN pgcli0 up: 10.88.1.3 peer' "$WORK/client3.log"
for n in 1 2 3 4; do grep -q 'MPPE 128-bit stateless' "$WORK/client$n.log"; done
grep -q 'no MPPE' "$WORK/client5.log"
expect_metric 'pptp_sessions{state="up"}' 5.0
expect_metric 'pptp_pool_allocated' 5.0

echo "--- ping"
for n in 1 2 3 4 5; do ip netns exec pg-cc-cli$n ping -c 3 -W 3 198.51.100.2 | grep 'packets transmitted'; done

echo "--- iperf3, all five at once, bounded"
for n in 1 2 3 4 5; do
    ip netns exec $HST iperf3 -s -1 -p 520$n > "$WORK/iperf-server$n.out" 2>&1 &
done
sleep 1
iperf=()
for n in 1 2 3 4 5; do
    timeout 40 ip netns exec pg-cc-cli$n iperf3 -c 198.51.100.2 -p 520$n -t 4 ${IPERF_ARGS:--b 2M} \
        > "$WORK/iperf$n.out" 2>&1 &
    iperf+=($!)
done
for n in 1 2 3 4 5; do
    if ! wait ${iperf[$((n - 1))]}; then cat "$WORK/iperf$n.out"; echo "iperf3 of client $n failed"; exit 1; fi
    echo "client $n: $(grep receiver "$WORK/iperf$n.out")"
done
# TCP SYNs were clamped, and every data frame was built in the TUN read's headroom (no copy).
test "$(metric pptp_ip_mss_clamped_total)" != 0
expect_metric pptp_gre_headroom_copies_total 0.0
echo "spoofed-source drops: $(metric 'pptp_ip_dropped_total{reason="spoofed-source"}')"

echo "--- wrong password"
client 6 --auth mschapv2 --mppe require --mppe-bits 128
wait_log "$WORK/client6.log" 'link down' 30
grep 'E=691' "$WORK/client6.log"
expect_metric 'pptp_session_auth_failures_total{method="ms-chap-v2"}' 1.0
expect_metric 'pptp_pool_allocated' 5.0
expect_metric 'pptp_calls_active' 5.0
expect_metric 'pptp_sessions{state="up"}' 5.0

echo "--- client 1 hangs up"
kill -TERM ${client_pid[1]}
expect_metric 'pptp_sessions{state="up"}' 4.0
expect_metric 'pptp_pool_allocated' 4.0
expect_metric 'pptp_calls_active' 4.0
# pptp-gateway ppp sends LCP Terminate-Request as it exits, and pptp a Call-Clear-Request when
# its pty closes: whichever the concentrator sees first ends the session, the other finds it gone.
ended=$(( $(metric 'pptp_session_ended_total{cause="peer-terminated"}' | cut -d. -f1) \
    + $(metric 'pptp_session_ended_total{cause="call-clear-request"}' | cut -d. -f1) ))
echo "sessions ended by the client: $ended"
test "$ended" = 1
grep "user 'u1'.* ended: " "$WORK/concentrator.log"

echo "--- sessions, through the admin endpoint"
ip netns exec $SRV $JAVA sessions > "$WORK/sessions.out"
cat "$WORK/sessions.out"
test "$(grep -c ' up ' "$WORK/sessions.out")" = 4
grep -q '^[0-9]* *u3 .* 10.88.1.3 .* up ' "$WORK/sessions.out"
session=$(awk '$2 == "u2" { print $1 }' "$WORK/sessions.out")
test -n "$session"
ip netns exec $SRV $JAVA sessions end "$session" --reason "ended by the test"
wait_log "$WORK/client2.log" 'link down' 15
expect_metric 'pptp_sessions{state="up"}' 3.0
expect_metric 'pptp_pool_allocated' 3.0
expect_metric 'pptp_calls_active' 3.0
if ip netns exec $SRV $JAVA sessions end "$session" 2> "$WORK/end-again.err"; then echo "ended twice"; exit 1; fi
grep -q "no live session $session" "$WORK/end-again.err"

kill -INT $capture; wait $capture || true
echo "--- tshark"
tshark -r "$WORK/gre.pcap" -Y ppp -T fields -e ppp.protocol > "$WORK/protocols.txt"
sort "$WORK/protocols.txt" | uniq -c
test -z "$(tshark -r "$WORK/gre.pcap" -Y '_ws.malformed || _ws.expert.severity == error' -T fields -e frame.number)"
grep -q 0xc223 "$WORK/protocols.txt" # MS-CHAPv2
grep -q 0xc023 "$WORK/protocols.txt" # PAP
test "$(grep -c 0x00fd "$WORK/protocols.txt")" -gt 1000 # MPPE
test "$(grep -c 0x0021 "$WORK/protocols.txt")" -gt 500 # client 5's clear IPv4

echo "--- shutdown"
kill -TERM $concentrator
for i in $(seq 1 30); do kill -0 $concentrator 2>/dev/null || break; sleep 0.5; done
if kill -0 $concentrator 2>/dev/null; then echo "concentrator still running"; exit 1; fi
# Every remaining client hears of it: an LCP Terminate-Request with the reason, then its call
# is disconnected, and its PPP goes down saying why.
for n in 3 4 5; do
    wait_log "$WORK/client$n.log" 'link down' 15; echo "client $n: $(grep 'link down' "$WORK/client$n.log")"
    grep 'link down' "$WORK/client$n.log" | grep -q 'gateway shutting down'
done
echo "FIVE-CLIENTS-OK"
