#!/bin/bash
# The concentrator under load, in network namespaces (root only):
#
#   pg-cb-cli  192.0.2.2 ---veth--- 192.0.2.1  pg-cb-srv  198.51.100.1 ---veth--- 198.51.100.2  pg-cb-hst
#   loadgen / pptp client                      concentrator, TUN pgcb0             iperf3 server
#   AnyIP 10.99.0.0/16 on lo                   pool 10.88.0.0/16 -> TUN            route 10.88/16, 192.0.2/24 via srv
#
# The load generator and the concentrator each own a raw GRE socket, so they need namespaces of
# their own: on one loopback each would read the other's GRE. Every session's control connection
# comes from the next address of the client's AnyIP range (`ip route add local ... dev lo`).
#
# Usage (the script builds nothing; GW is the command that runs pptp-gateway, default the shaded jar):
#   concentrator-bench.sh check N              N sessions (MS-CHAPv2 + MPPE-128) reach network up, ICMP
#                                              inside every tunnel answered, all released afterwards
#   concentrator-bench.sh setup N RATE...      session setup rate: N sessions at each target RATE
#                                              (network stage), then the same at the call stage (baseline);
#                                              WARMUP=M: each load generator first runs M sessions unreported
#   concentrator-bench.sh held N K RATE        hold N sessions (K calls per control connection) and
#                                              measure the concentrator's live heap before and with them
#   concentrator-bench.sh goodput REPS SECS    iperf3 through one MPPE-128 tunnel (A: pptp + pptp-gateway ppp,
#                                              B: the client library's own TUN; R: B the other way, iperf3 -R)
#                                              against kernel forwarding between the same namespaces
#                                              (C: at the tunnel's MTU without
#                                              offloads), then one core's MPPE rate (the tunnel's ceiling;
#                                              needs benchmarks/target/benchmarks.jar)
# Environment: WORK (default a new temp dir), GW, CONC_JAVA_OPTS, LOADGEN_JAVA_OPTS, JFR=1 (record a
# flight recording of the concentrator into WORK), NS (namespace and veth prefix, default pg-cb; the CI test
# uses another, so a benchmark and the test can run at once), MPPE_MODE (stateless, the default as pppd's, or
# stateful), CLIENT_WINDOW (the receive window the library client (B, R) advertises, default 256; 64 as
# Windows). Namespaces NS-* and every process are removed on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
GW=${GW:-"$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -jar $root/gateway/target/pptp-gateway.jar"}
WORK=${WORK:-$(mktemp -d /tmp/pg-cb.XXXXXX)}
RELAY=${RELAY:-$root/concentrator/src/test/resources/net/pptpgw/concentrator/realpeer/pty_relay.py}
NS=${NS:-pg-cb}
MPPE_MODE=${MPPE_MODE:-stateless}
CLIENT_WINDOW=${CLIENT_WINDOW:-256}
HST=$NS-hst
MODE=${1:?usage: concentrator-bench.sh check|setup|held|goodput ...}; shift
mkdir -p "$WORK"
echo "work directory: $WORK"

METRICS=http://127.0.0.1:9725/metrics # read by metric and expect_metric (netns.sh)
metric_sum() { # metric_sum PREFIX -> sum of every series whose name-with-labels starts with PREFIX
    ip netns exec $SRV curl -s --max-time 5 "$METRICS" \
        | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%.0f\n", s}'
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$1/stat; }
softnet_drops() { local d=0 x; for x in $(awk '{print $2}' /proc/net/softnet_stat); do d=$(( d + 16#$x )); done; echo $d; } # whole machine
raw_drops() { ip netns exec $1 awk 'NR > 1 && $2 ~ /:002F$/ {d += $13} END {print d + 0}' /proc/net/raw; } # drops column

# --- namespaces: srv and cli joined by a veth pair, and hst, all removed on any exit; with
# metric, expect_metric and wait_log, shared with the tests' scripts. Sets SRV and CLI.
source "$root/gateway/src/test/resources/net/pptpgw/gateway/netns_pair.sh" $NS $HST
# The host behind srv.
ip link add $NS-h type veth peer name $NS-hh
ip link set $NS-h netns $SRV; ip link set $NS-hh netns $HST
ip -n $SRV addr add 198.51.100.1/24 dev $NS-h
ip -n $HST addr add 198.51.100.2/24 dev $NS-hh
ip -n $SRV link set $NS-h up; ip -n $HST link set $NS-hh up
ip -n $CLI route add local 10.99.0.0/16 dev lo
ip -n $SRV route add 10.99.0.0/16 via 192.0.2.2
ip -n $HST route add 10.88.0.0/16 via 198.51.100.1
ip -n $HST route add 192.0.2.0/24 via 198.51.100.1
ip netns exec $SRV sysctl -qw net.ipv4.ip_forward=1
# The concentrator owns GRE; keep the kernel from answering stray GRE with protocol-unreachable.
ip netns exec $SRV nft add table ip pgcb 2>/dev/null \
    && ip netns exec $SRV nft add chain ip pgcb out '{ type filter hook output priority 0; }' \
    && ip netns exec $SRV nft add rule ip pgcb out icmp type destination-unreachable icmp code 2 drop || true

# Users user0..user65535 with password "s3cret N"; the client's file says "s3cret %d".
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "user%d * \"s3cret %d\" *\n", i, i }' > "$WORK/chap-secrets"
printf 's3cret %%d\n' > "$WORK/password"

start_concentrator() {
    local jfr=""
    [ "${JFR:-0}" = 1 ] && jfr="-XX:StartFlightRecording=filename=$WORK/concentrator.jfr,settings=profile"
    PPTP_GATEWAY_JAVA_OPTS="" ip netns exec $SRV env JDK_JAVA_OPTIONS="${CONC_JAVA_OPTS:-} $jfr" $GW concentrator \
        --listen 192.0.2.1 --pool 10.88.0.0/16 --local-address 10.87.0.1 --secrets "$WORK/chap-secrets" \
        --auth mschapv2 --mppe require --mppe-bits 128 --mppe-modes "$MPPE_MODE" --tun pgcb%d --metrics 127.0.0.1:9725 --admin none \
        --max-calls 65535 --max-connections 20000 --max-half-open 4096 --connection-rate 1000000 \
        --connection-burst 1000000 --max-calls-per-connection 1024 > "$WORK/concentrator.log" 2>&1 &
    concentrator=$!
    wait_log "$WORK/concentrator.log" 'stop with SIGTERM' 60 || { cat "$WORK/concentrator.log"; exit 1; }
    sleep 0.5
}

loadgen() { # loadgen OUTPUT_PREFIX ARGS...: JSON report in PREFIX.json, progress in PREFIX.err; returns its status
    local out=$1; shift
    timeout "${LOADGEN_TIMEOUT:-900}" ip netns exec $CLI env JDK_JAVA_OPTIONS="${LOADGEN_JAVA_OPTS:-}" $GW loadgen \
        --server 192.0.2.1 --user 'user%d' --password-file "$WORK/password" --source 10.99.0.1-10.99.255.254 --json \
        "$@" > "$out.json" 2> "$out.err"
}

json() { # json FILE KEY -> the number after "KEY": (first occurrence)
    sed -n "s/.*\"$2\": \([0-9.eE+-]*\).*/\1/p" "$1" | head -1
}

summary() { # one line per run from a loadgen JSON report
    local f=$1
    printf 'established %s failed %s rate %s/s  latency ms p50 %s p90 %s p99 %s max %s  failures %s\n' \
        "$(json "$f" established)" "$(json "$f" failed)" "$(json "$f" achievedRate)" \
        "$(json "$f" p50)" "$(json "$f" p90)" "$(json "$f" p99)" "$(json "$f" max)" \
        "$(tr -d '\n ' < "$f" | sed -n 's/.*"failures":\({[^}]*}\).*/\1/p')"
}

case "$MODE" in
check)
    N=${1:-50}
    start_concentrator
    ip netns exec $SRV tshark -q -i $NS-s -f 'ip proto 47 or tcp port 1723' -w "$WORK/link.pcap" \
        > "$WORK/tshark.out" 2>&1 &
    capture=$!
    sleep 1.5
    set +e
    LOADGEN_TIMEOUT=180 loadgen "$WORK/check" --sessions "$N" --rate 50 --hold 5s --timeout 30s --traffic 2 \
        --calls-per-connection 5 --progress 2s
    status=$?
    set -e
    cat "$WORK/check.err" "$WORK/check.json"
    echo "loadgen exit $status"
    expect_metric 'pptp_sessions{state="up"}' 0.0 20
    expect_metric 'pptp_calls_active' 0.0 20
    expect_metric 'pptp_pool_allocated' 0.0 20
    echo "sessions set up by the concentrator: $(metric 'pptp_session_setups_total')"
    echo "setup latency count: $(metric 'pptp_session_setup_latency_seconds_count')"
    echo "heap used: $(metric_sum 'jvm_memory_used_bytes{area="heap"')"
    echo "--- one session bridged to a TUN (loadgen --tun): the client namespace's kernel pings the host through it"
    ip netns exec $CLI $GW loadgen --server 192.0.2.1 --user 'user%d' --password-file "$WORK/password" \
        --source 10.99.1.1 --sessions 1 --hold 60s --tun pgcbl%d --progress 0s > "$WORK/tun.json" 2> "$WORK/tun.err" &
    tunclient=$!
    wait_log "$WORK/tun.err" 'TUN .* up' 60 || { cat "$WORK/tun.err"; exit 1; }
    grep 'TUN .* up' "$WORK/tun.err"
    ip -n $CLI route replace 198.51.100.0/24 dev pgcbl0
    ip netns exec $CLI ping -c 3 -W 3 198.51.100.2 | grep 'packets transmitted'
    kill $tunclient; wait $tunclient || true
    kill -INT $capture; wait $capture || true
    echo "malformed: $(tshark -r "$WORK/link.pcap" -Y '_ws.malformed || _ws.expert.severity == error' -T fields -e frame.number | wc -l)"
    echo "gre sources: $(tshark -r "$WORK/link.pcap" -Y 'gre && ip.dst == 192.0.2.1' -T fields -e ip.src | sort -u | wc -l)"
    echo "mppe frames: $(tshark -r "$WORK/link.pcap" -Y 'ppp.protocol == 0x00fd' -T fields -e frame.number | wc -l)"
    test "$status" = 0
    echo "CONCENTRATOR-BENCH-OK"
    ;;

setup)
    N=${1:?sessions}; shift
    start_concentrator
    echo "setup: $N sessions per run, MS-CHAPv2 + MPPE-128, 10 calls per control connection; load before: $(load)"
    for rate in "$@"; do
        for stage in network call; do
            cpu_before=$(cpu_seconds $concentrator); softnet_before=$(softnet_drops)
            # `times` in the subshell: the CPU time of its finished children (the load generator).
            ( loadgen "$WORK/setup-$stage-$rate" --sessions "$N" --rate "$rate" --hold 0s --timeout 30s --stage $stage \
                --calls-per-connection 10 --progress 5s --warmup "${WARMUP:-0}" || true; times > "$WORK/times" )
            lg_cpu=$(tail -1 "$WORK/times" | awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } printf "%.1f", s }')
            echo "rate $rate $stage: $(summary "$WORK/setup-$stage-$rate.json")  load $(load)"
            echo "    CPU s: concentrator $(python3 -c "print('%.1f' % ($(cpu_seconds $concentrator) - $cpu_before))"), load generator $lg_cpu (incl. JVM start and teardown); raw GRE drops so far: server $(raw_drops $SRV), client $(raw_drops $CLI); backlog drops (softnet, whole machine) during the run: $(( $(softnet_drops) - softnet_before ))"
            echo "    concentrator GRE drops so far: $(ip netns exec $SRV curl -s --max-time 5 http://127.0.0.1:9725/metrics | awk '/^pptp_gre_drops_total/ && $NF != "0.0" {printf "%s ", $0}')"
            grep -h 'GRE dropped\|sessions up in 1 s' "$WORK/setup-$stage-$rate.err" | sed 's/^/    /' || true
            expect_metric 'pptp_calls_active' 0.0 60 > /dev/null || echo "calls left: $(metric pptp_calls_active)"
        done
    done
    ;;

held)
    N=${1:?sessions}; K=${2:?calls per connection}; RATE=${3:-500}
    start_concentrator
    jcmd() { "$JAVA_HOME/bin/jcmd" "$concentrator" "$@"; }
    live_heap() { jcmd GC.class_histogram | tail -1 | awk '{print $3}'; } # a full GC, then live bytes
    sleep 2
    before=$(live_heap); before_metric=$(metric_sum 'jvm_memory_used_bytes{area="heap"')
    direct_before=$(metric 'jvm_buffer_memory_used_bytes{id="direct"}')
    echo "held: $N sessions, $K per control connection, at $RATE/s; live heap before $before B (metric $before_metric); load $(load)"
    hold=$(( N / RATE + 90 ))
    ip netns exec $CLI env JDK_JAVA_OPTIONS="${LOADGEN_JAVA_OPTS:-}" $GW loadgen --server 192.0.2.1 \
        --user 'user%d' --password-file "$WORK/password" --source 10.99.0.1-10.99.255.254 --json \
        --sessions "$N" --rate "$RATE" --hold "${hold}s" --timeout 60s --calls-per-connection "$K" --progress 10s \
        > "$WORK/held.json" 2> "$WORK/held.err" &
    lg=$!
    # Wait until every session is up (or the load generator has settled with failures).
    deadline=$(( SECONDS + N / RATE + 80 ))
    while (( SECONDS < deadline )); do
        up=$(metric 'pptp_sessions{state="up"}'); up=${up%.*}
        [ "$up" -ge "$N" ] && break
        sleep 2
    done
    sleep 3
    up=$(metric 'pptp_sessions{state="up"}'); up=${up%.*}
    after=$(live_heap); after_metric=$(metric_sum 'jvm_memory_used_bytes{area="heap"')
    direct_after=$(metric 'jvm_buffer_memory_used_bytes{id="direct"}')
    jcmd GC.class_histogram | head -40 > "$WORK/histogram-held.txt"
    echo "sessions up: $up; live heap with them $after B (metric after GC $after_metric)"
    echo "heap per session: $(( (after - before) / (up > 0 ? up : 1) )) B; direct buffers ${direct_before%.*} -> ${direct_after%.*} B"
    echo "concentrator RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$concentrator/status); open fds: $(ls /proc/$concentrator/fd | wc -l); load $(load)"
    tail -3 "$WORK/held.err"
    head -25 "$WORK/histogram-held.txt"
    kill $lg; wait $lg || true
    expect_metric 'pptp_calls_active' 0.0 120 || true
    # The calls are gone; their GRE state and sessions go in tasks on the GRE loop right after.
    expect_metric 'pptp_gre_sessions' 0.0 60 || true
    echo "live heap after the load generator went away: $(live_heap) B"
    jcmd GC.class_histogram | head -25 > "$WORK/histogram-after.txt"
    head -15 "$WORK/histogram-after.txt"
    ;;

goodput)
    REPS=${1:-3}; SECS=${2:-10}
    echo "pass 1" > "$WORK/password1"
    printf 'u1 * "pass 1" *\n' >> "$WORK/chap-secrets"
    start_concentrator
    ip netns exec $CLI unshare -m sh -c "mount -t tmpfs tmpfs /run && mkdir -p /run/pptp && exec $GW ppp \
        --role client --user u1 --password-file $WORK/password1 --tun pgcbc%d --auth mschapv2 --mppe require \
        --mppe-bits 128 $([ "$MPPE_MODE" = stateless ] && echo --stateless) --log-file $WORK/client.log \
        --pty '/usr/bin/python3 $RELAY /usr/sbin/pptp 192.0.2.1 --nolaunchpppd'" > "$WORK/client.out" 2>&1 &
    wait_log "$WORK/client.log" 'TUN .* up' 60 || { cat "$WORK/client.log" "$WORK/concentrator.log"; exit 1; }
    grep -E 'MPPE|TUN .* up' "$WORK/client.log"
    address=$(sed -n 's/.*TUN pgcbc[0-9]* up: \([0-9.]*\) peer .*/\1/p' "$WORK/client.log")
    ip netns exec $HST iperf3 -s -D -p 5201 --logfile "$WORK/iperf-server.log"
    sleep 1
    run_iperf() { # run_iperf LABEL ROUTE_ARGS [IPERF_ARGS] -> Mbit/s received
        ip -n $CLI route replace 198.51.100.0/24 $2
        ip netns exec $CLI iperf3 -c 198.51.100.2 -p 5201 -t "$SECS" ${3:-} -J > "$WORK/iperf-$1.json" 2>&1 || true
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('%.1f' % (d['end']['sum_received']['bits_per_second']/1e6))" \
            "$WORK/iperf-$1.json" 2>/dev/null || echo 0
    }
    echo "goodput: iperf3 -t $SECS; A: pptp + pptp-gateway ppp (pty), client $address; load before $(load)"
    for r in $(seq 1 "$REPS"); do
        kernel=$(run_iperf "kernel-a$r" "via 192.0.2.1")
        c0=$(cpu_seconds $concentrator); tunnel=$(run_iperf "pptp-$r" "dev pgcbc0"); c1=$(cpu_seconds $concentrator)
        echo "rep A$r: kernel forwarding $kernel Mbit/s, MPPE-128 tunnel (pptp client) $tunnel Mbit/s, ratio $(python3 -c "print('%.3f' % ($tunnel / $kernel if $kernel else 0))"); concentrator CPU $(python3 -c "print('%.1f' % ($c1 - $c0))") s of ${SECS} s; load $(load)"
    done
    # B: the same tunnel with the client library's own TUN (loadgen --tun): no pty, no HDLC, no pptp.
    ip -n $CLI route replace 198.51.100.0/24 via 192.0.2.1
    for pid in $(ip netns pids $CLI); do kill "$pid" 2>/dev/null || true; done
    sleep 2
    ip netns exec $CLI env JDK_JAVA_OPTIONS="${LOADGEN_JAVA_OPTS:-}" $GW loadgen --server 192.0.2.1 --user u1 \
        --password-file "$WORK/password1" --sessions 1 --rate 1 --hold 3600s --tun pgcbl%d --progress 0s \
        --receive-window "$CLIENT_WINDOW" \
        > "$WORK/tun-client.json" 2> "$WORK/tun-client.err" &
    tunclient=$!
    wait_log "$WORK/tun-client.err" 'TUN .* up' 60 || { cat "$WORK/tun-client.err"; exit 1; }
    grep 'TUN .* up' "$WORK/tun-client.err"
    for r in $(seq 1 "$REPS"); do
        kernel=$(run_iperf "kernel-b$r" "via 192.0.2.1")
        c0=$(cpu_seconds $concentrator); l0=$(cpu_seconds $tunclient)
        tunnel=$(run_iperf "tun-$r" "dev pgcbl0")
        c1=$(cpu_seconds $concentrator); l1=$(cpu_seconds $tunclient)
        echo "rep B$r: kernel forwarding $kernel Mbit/s, MPPE-128 tunnel (client library + TUN) $tunnel Mbit/s, ratio $(python3 -c "print('%.3f' % ($tunnel / $kernel if $kernel else 0))"); CPU s of ${SECS} s: concentrator $(python3 -c "print('%.1f' % ($c1 - $c0))"), client $(python3 -c "print('%.1f' % ($l1 - $l0))"); load $(load)"
    done
    # The other direction (iperf3 -R: the host sends, as in a client's download): the concentrator
    # reads the TUN and encrypts, the client decrypts and writes its TUN.
    for r in $(seq 1 "$REPS"); do
        kernel=$(run_iperf "kernel-r$r" "via 192.0.2.1" -R)
        c0=$(cpu_seconds $concentrator); l0=$(cpu_seconds $tunclient)
        tunnel=$(run_iperf "tun-r$r" "dev pgcbl0" -R)
        c1=$(cpu_seconds $concentrator); l1=$(cpu_seconds $tunclient)
        echo "rep R$r (download, -R): kernel forwarding $kernel Mbit/s, MPPE-128 tunnel (client library + TUN) $tunnel Mbit/s, ratio $(python3 -c "print('%.3f' % ($tunnel / $kernel if $kernel else 0))"); CPU s of ${SECS} s: concentrator $(python3 -c "print('%.1f' % ($c1 - $c0))"), client $(python3 -c "print('%.1f' % ($l1 - $l0))"); load $(load)"
    done
    echo "kernel forwarding with the tunnel's MTU ($(ip -n $CLI link show pgcbl0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')) on the veths and no offloads:"
    mtu=$(ip -n $CLI link show pgcbl0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
    for dev in "$CLI $NS-c" "$SRV $NS-s" "$SRV $NS-h" "$HST $NS-hh"; do
        set -- $dev
        ip -n $1 link set $2 mtu "$mtu"
        ip netns exec $1 ethtool -K $2 tso off gso off gro off > /dev/null
    done
    for r in $(seq 1 "$REPS"); do
        kernel=$(run_iperf "kernel-c$r" "via 192.0.2.1")
        echo "rep C$r: kernel forwarding, MTU $mtu, no TSO/GSO/GRO: $kernel Mbit/s; load $(load)"
    done
    echo "concentrator CPU (utime+stime ticks): $(awk '{print $14 + $15}' /proc/$concentrator/stat)"
    # The RC4 work alone bounds a tunnel's goodput: every 1,400-octet PPP frame is encrypted once
    # at the client and decrypted once at the concentrator, a full MPPE operation each (stateless:
    # a key change and an RC4 key schedule per packet, RFC 3078 §7.1). With one of the two vCPUs
    # doing nothing but each side's MPPE (no iperf3, no TCP, no I/O at all), one tunnel cannot
    # move more than one core's MPPE rate. Measured here, in the same run, on this machine.
    bench_jar="$root/benchmarks/target/benchmarks.jar"
    if [ -f "$bench_jar" ]; then
        "$JAVA_HOME/bin/java" -jar "$bench_jar" 'Rc4Benchmark.(ours|oursStatelessMppe)$' -f 1 -wi 2 -i 3 -w 1s -r 2s \
            -rf csv -rff "$WORK/mppe-ceiling.csv" > "$WORK/mppe-ceiling.txt" 2>&1 || true
        for bm in oursStatelessMppe ours; do
            mbs=$(awk -F, -v b="Rc4Benchmark.$bm\"" 'index($1, b) {gsub(/"/, "", $5); print $5}' "$WORK/mppe-ceiling.csv" 2>/dev/null)
            [ -n "$mbs" ] && echo "MPPE-128 on one core ($bm: $([ $bm = ours ] && echo stateful RC4 || echo stateless, re-key per packet)): $(printf '%.1f' "$mbs") MB/s = $(python3 -c "print('%.0f' % ($mbs * 8))") Mbit/s: the ceiling for one tunnel with a core per side; load $(load)"
        done
    else
        echo "(no $bench_jar: build it with mvn -pl benchmarks -am package -DskipTests for the MPPE ceiling)"
    fi
    ;;
*)
    echo "unknown mode $MODE"; exit 2 ;;
esac
