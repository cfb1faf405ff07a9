#!/bin/bash
# make-captures.sh - records real PPTP calls between Debian's pptpd (poptop) and pptp-linux
# in network namespaces, for the tests of `pptp-gateway inspect` and the README's demo.
#
#   pg-cap-c1 eth0 10.99.0.2/24 --veth-- cli1 ]
#   pg-cap-c2 eth0 10.99.0.3/24 --veth-- cli2 ] br0 10.99.0.1/24 [pg-cap-srv: pptpd]
#
# This kernel has no PPP driver, so pppd cannot run: pptpd's `ppp` option points at
# pgpeer.py (beside this script) and `pptp --nolaunchpppd` is driven by it too. The stub
# speaks real LCP in async HDLC on the pty, so GRE carries PPP both ways.
#
# Captures written to OUT (default: this folder), then checked with tshark:
#   one-call.pcap       one client, one call, LCP both ways for a few seconds, clean hang-up.
#                       tcpdump on the client's eth0: classic pcap, microseconds, Ethernet.
#                       Also copied to <repo>/samples/pptp-real-call.pcap when OUT is this folder.
#   two-clients.pcapng  two clients calling the same server at once. dumpcap on the server's
#                       bridge: pcapng, Ethernet.
#   gre-blocked.pcap    one call whose GRE toward the client is dropped by nftables on the
#                       server (the "GRE blocked?" case). tcpdump -i any in the client's
#                       namespace: classic pcap, nanoseconds, Linux cooked v2.
#
# usage: sudo ./make-captures.sh [OUT]     (root; Debian packages: pptpd pptp-linux tcpdump
#        tshark nftables iproute2). PG_CAP_KEEP=1 keeps the work folder with the stubs' logs;
#        PG_CAP_ONLY="gre-blocked" makes only the captures named.
# Nothing leaves the namespaces: no default route anywhere, every address is 10.99.0.0/24.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
OUT=$(mkdir -p "${1:-$here}" && cd "${1:-$here}" && pwd)
PY=/usr/bin/python3            # Debian's interpreter, not whatever python3 comes first on PATH
SERVER=10.99.0.1
RUN=$(mktemp -d /tmp/pg-cap.XXXXXX)

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
for tool in ip pptpd pptp tcpdump dumpcap tshark nft timeout "$PY"; do
    command -v "$tool" >/dev/null || die "missing $tool (apt-get install pptpd pptp-linux tcpdump tshark nftables iproute2)"
done

our_namespaces() { ip netns list | awk '{print $1}' | grep '^pg-cap-' || true; }

# Ends every process living in one of OUR namespaces, by PID, then removes the namespaces.
teardown() {
    local ns pid signal
    for signal in TERM KILL; do
        for ns in $(our_namespaces); do
            for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -s "$signal" "$pid" 2>/dev/null || true; done
        done
        [ "$signal" = TERM ] && sleep 1
    done
    for ns in $(our_namespaces); do ip netns del "$ns"; done
}
on_exit() {
    local status=$?
    trap - EXIT INT TERM
    teardown
    if [ "${PG_CAP_KEEP:-0}" = 1 ] || [ $status != 0 ]; then log "work folder kept: $RUN"; else rm -rf "$RUN"; fi
    exit $status
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ building blocks
topology() {   # $1 = number of clients
    local i
    ip netns add pg-cap-srv
    ip -n pg-cap-srv link set lo up
    ip -n pg-cap-srv link add br0 type bridge
    ip -n pg-cap-srv addr add $SERVER/24 dev br0
    ip -n pg-cap-srv link set br0 up
    for ((i = 1; i <= $1; i++)); do
        ip netns add pg-cap-c$i
        ip -n pg-cap-c$i link set lo up
        ip -n pg-cap-srv link add cli$i type veth peer name eth0 netns pg-cap-c$i
        ip -n pg-cap-srv link set cli$i master br0 up
        ip -n pg-cap-c$i addr add 10.99.0.$((1 + i))/24 dev eth0
        ip -n pg-cap-c$i link set eth0 up
    done
}

start_server() {
    cat > "$RUN/pptpd.conf" <<EOF
ppp $RUN/pgpeer-server
option $RUN/pptpd-options
localip 10.99.1.1
remoteip 10.99.1.2-9
connections 8
stimeout 10
EOF
    : > "$RUN/pptpd-options"
    printf '#!/bin/sh\nexec %s %s/pgpeer.py server "$@"\n' "$PY" "$here" > "$RUN/pgpeer-server"
    chmod +x "$RUN/pgpeer-server"
    PG_CAP_RUN=$RUN ip netns exec pg-cap-srv timeout 90 pptpd -c "$RUN/pptpd.conf" -f -p "$RUN/pptpd.pid" -l $SERVER \
        > "$RUN/pptpd.log" 2>&1 &
    local try
    for try in $(seq 50); do
        ip netns exec pg-cap-srv ss -ltn | grep -q ':1723 ' && return 0
        sleep 0.1
    done
    die "pptpd did not listen on 1723"
}

# $1 = namespace, $2 = capture's log file; waits until the capture program says it listens.
wait_capturing() {
    local try
    for try in $(seq 100); do
        grep -qiE 'listening on|capturing on' "$2" 2>/dev/null && { sleep 0.3; return 0; }
        sleep 0.1
    done
    die "capture in $1 did not start: $(cat "$2")"
}

# $1 = client number; the rest goes to pgpeer.py client. Runs in the background.
start_client() {
    local i=$1; shift
    rm -f "$RUN/client$i.json"   # wait_clients waits for this run's result, not an earlier capture's
    # pptp's call-manager socket lives under /var/run/pptp, which every namespace would share:
    # `ip netns exec` gives the command its own mount namespace, so a tmpfs on /run stays private.
    ip netns exec pg-cap-c$i timeout 45 sh -c "mount -t tmpfs -o size=1m pg-cap-run /run && exec $PY $here/pgpeer.py client \
        --server $SERVER --local 10.99.0.$((1 + i)) --out $RUN/client$i.json $*" > "$RUN/client$i.log" 2>&1 &
}

stop_capture() {   # $1 = PID of the capture program (ip netns exec execs it: the PID is its own)
    sleep 1        # the last StopCCRP and FIN/ACKs
    kill -INT "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

stop_server() {
    local pid
    for pid in $(ip netns pids pg-cap-srv); do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in $(ip netns pids pg-cap-srv); do kill -KILL "$pid" 2>/dev/null || true; done
}

# Prints the control messages and GRE directions of a capture, as tshark decodes them.
describe() {
    echo "== $(basename "$1"): $(tshark -r "$1" 2>/dev/null | wc -l) frames, $(stat -c %s "$1") bytes, link type $(tshark -r "$1" -c 1 -T fields -e frame.encap_type 2>/dev/null)"
    echo "-- PPTP control messages: frame, src, dst, message type, call ID, peer call ID, OCRP result"
    tshark -n -r "$1" -o tcp.desegment_tcp_streams:TRUE -Y pptp -T fields -E occurrence=a -E aggregator=, \
        -e frame.number -e ip.src -e ip.dst -e pptp.control_message_type -e pptp.call_id -e pptp.peer_call_id -e pptp.out_result
    echo "-- GRE: packets, src, dst, key call ID, (PPP protocol, LCP code when present)"
    tshark -n -r "$1" -Y gre -T fields -e ip.src -e ip.dst -e gre.key.call_id | sort | uniq -c
    tshark -n -r "$1" -Y lcp -T fields -e ip.src -e ip.dst -e ppp.code | sort | uniq -c | sed 's/^/   LCP /'
}

gre_count() {  # $1 file, $2 src, $3 dst
    tshark -n -r "$1" -Y "gre && ip.src==$2 && ip.dst==$3" 2>/dev/null | wc -l
}
lcp_count() { # $1 file, $2 src, $3 LCP code
    tshark -n -r "$1" -Y "lcp && ip.src==$2 && ppp.code==$3" 2>/dev/null | wc -l
}
pptp_count() {  # $1 file, $2 control message type
    tshark -n -r "$1" -o tcp.desegment_tcp_streams:TRUE -Y "pptp.control_message_type==$2" 2>/dev/null | wc -l
}

wait_clients() {  # $@ = client numbers; bounded by the clients' own `timeout 45`
    local i try
    for i in "$@"; do
        for try in $(seq 500); do [ -s "$RUN/client$i.json" ] && break; sleep 0.1; done
        [ -s "$RUN/client$i.json" ] || die "client $i wrote no result: $(cat "$RUN/client$i.log" 2>/dev/null)"
    done
}

# ------------------------------------------------------------------ the captures
capture_one_call() {
    local file=$RUN/one-call.pcap pid
    log "one-call: one client, one call, LCP both ways, clean hang-up"
    topology 1
    start_server
    ip netns exec pg-cap-c1 timeout 60 tcpdump -U -n -i eth0 -s 0 -w "$file" 'tcp port 1723 or ip proto 47 or icmp' \
        > "$RUN/tcpdump-one.log" 2>&1 &
    pid=$!
    wait_capturing pg-cap-c1 "$RUN/tcpdump-one.log"
    # --idle-wait 2: pptp sends a control-connection Echo-Request after 2 idle seconds.
    start_client 1 --seconds 4 "--pptp-args='--idle-wait 2'"
    wait_clients 1
    stop_capture $pid
    stop_server
    teardown
    local a=10.99.0.2
    (($(gre_count "$file" $a $SERVER) > 0 && $(gre_count "$file" $SERVER $a) > 0)) || die "one-call: GRE missing in a direction"
    (($(lcp_count "$file" $a 9) > 0 && $(lcp_count "$file" $SERVER 10) > 0)) || die "one-call: no LCP echo client->server"
    (($(lcp_count "$file" $SERVER 9) > 0 && $(lcp_count "$file" $a 10) > 0)) || die "one-call: no LCP echo server->client"
    # SCCRQ, SCCRP, OCRQ, OCRP, CCRQ once each; Echo-Request/-Reply (5, 6) every 2 idle seconds.
    for type in 1 2 7 8 12; do (($(pptp_count "$file" $type) == 1)) || die "one-call: expected one PPTP message of type $type"; done
    (($(pptp_count "$file" 5) > 0 && $(pptp_count "$file" 6) > 0)) || die "one-call: no control-connection echo"
    install -m 0644 "$file" "$OUT/one-call.pcap"
    # The README's demo capture follows the test data, not a trial run into another folder.
    if [ "$OUT" = "$here" ]; then install -D -m 0644 "$file" "$repo/samples/pptp-real-call.pcap"; fi
}

capture_two_clients() {
    local file=$RUN/two-clients.pcapng pid
    log "two-clients: two clients call the same server at once"
    topology 2
    start_server
    ip netns exec pg-cap-srv timeout 60 dumpcap -q -i br0 -s 0 -f 'tcp port 1723 or ip proto 47 or icmp' -w "$file" \
        > "$RUN/dumpcap-two.log" 2>&1 &
    pid=$!
    sleep 2   # dumpcap -q says nothing when it starts: give it time to open the interface
    start_client 1 --seconds 3
    start_client 2 --seconds 3
    wait_clients 1 2
    stop_capture $pid
    stop_server
    teardown
    local c
    for c in 10.99.0.2 10.99.0.3; do
        (($(gre_count "$file" $c $SERVER) > 0 && $(gre_count "$file" $SERVER $c) > 0)) || die "two-clients: GRE missing for $c"
    done
    (($(pptp_count "$file" 8) == 2)) || die "two-clients: expected two Outgoing-Call-Replies"
    install -m 0644 "$file" "$OUT/two-clients.pcapng"
}

capture_gre_blocked() {
    local file=$RUN/gre-blocked.pcap pid a=10.99.0.2
    log "gre-blocked: GRE toward the client dropped on the server"
    topology 1
    # Dropped where the server's bridge hands its own frames to the ports, as a firewall on the path
    # would: an ip-family output rule would fail pptpctrl's send with EPERM, and it hangs up at once.
    ip netns exec pg-cap-srv nft -f - <<EOF
table bridge pg_cap_block {
    chain out {
        type filter hook output priority 0; policy accept;
        ether type ip ip daddr $a ip protocol gre counter drop
    }
}
EOF
    start_server
    ip netns exec pg-cap-c1 timeout 60 tcpdump -U -n -i any -y LINUX_SLL2 --time-stamp-precision=nano -s 0 -w "$file" \
        'tcp port 1723 or ip proto 47 or icmp' > "$RUN/tcpdump-blocked.log" 2>&1 &
    pid=$!
    wait_capturing pg-cap-c1 "$RUN/tcpdump-blocked.log"
    start_client 1 --seconds 3
    wait_clients 1
    ip netns exec pg-cap-srv nft list ruleset > "$RUN/nft-blocked.txt"
    stop_capture $pid
    stop_server
    teardown
    (($(gre_count "$file" $a $SERVER) > 0)) || die "gre-blocked: no GRE from the client"
    (($(gre_count "$file" $SERVER $a) == 0)) || die "gre-blocked: GRE from the server got through"
    (($(pptp_count "$file" 8) == 1)) || die "gre-blocked: expected one Outgoing-Call-Reply"
    grep -q 'packets [1-9]' "$RUN/nft-blocked.txt" || die "gre-blocked: the nftables rule dropped nothing"
    install -m 0644 "$file" "$OUT/gre-blocked.pcap"
}

teardown   # namespaces a killed earlier run may have left
for capture in ${PG_CAP_ONLY:-one-call two-clients gre-blocked}; do
    case $capture in
    one-call) file=one-call.pcap ;;
    two-clients) file=two-clients.pcapng ;;
    gre-blocked) file=gre-blocked.pcap ;;
    *) die "unknown capture $capture" ;;
    esac
    "capture_${capture//-/_}"
    describe "$OUT/$file"
done
log "captures written to $OUT"
