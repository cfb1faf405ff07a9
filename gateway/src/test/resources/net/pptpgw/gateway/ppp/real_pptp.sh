#!/bin/bash
# Real pptpd and real `pptp --nolaunchpppd`, each with `pptp-gateway ppp` as its PPP, in two
# network namespaces joined by a veth pair. MS-CHAPv2 + MPPE-128: both TUNs must come up with
# the negotiated addresses and the client's ping must reach the server's TUN address.
# Usage: real_pptp.sh JAR PTY_RELAY WORKDIR. Namespaces and processes are removed on any exit.
set -euo pipefail
JAR=$1; RELAY=$2; WORK=$3
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java --enable-native-access=ALL-UNNAMED -jar $JAR"
SRV=pg-ppp-srv; CLI=pg-ppp-cli
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for ns in $SRV $CLI; do
        for pid in $(ip netns pids $ns 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    done
    sleep 0.5
    for ns in $SRV $CLI; do
        for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del $ns 2>/dev/null || true
    done
}
trap cleanup EXIT
cleanup

ip netns add $SRV
ip netns add $CLI
ip link add pg-ppp-s type veth peer name pg-ppp-c
ip link set pg-ppp-s netns $SRV
ip link set pg-ppp-c netns $CLI
ip -n $SRV addr add 192.0.2.1/24 dev pg-ppp-s
ip -n $CLI addr add 192.0.2.2/24 dev pg-ppp-c
for ns in $SRV $CLI; do ip -n $ns link set lo up; done
ip -n $SRV link set pg-ppp-s up
ip -n $CLI link set pg-ppp-c up

printf 'alice * "s3cret pass" *\n' > "$WORK/chap-secrets"
printf 's3cret pass\n' > "$WORK/password"
: > "$WORK/options.pptpd"
cat > "$WORK/launcher.sh" <<LAUNCH
#!/bin/sh
exec $JAVA ppp --secrets $WORK/chap-secrets --name pptpd --tun pgsrv%d --auth mschapv2 --mppe require \
    --mppe-bits 128 --log-file $WORK/server.log "\$@"
LAUNCH
chmod +x "$WORK/launcher.sh"
cat > "$WORK/pptpd.conf" <<CONF
ppp $WORK/launcher.sh
option $WORK/options.pptpd
localip 10.77.0.1
remoteip 10.77.0.2-9
CONF

# Private /run for each side: pptpd's pid file, pptp's call-manager socket.
ip netns exec $SRV unshare -m sh -c "mount -t tmpfs tmpfs /run && exec pptpd -f -c $WORK/pptpd.conf -p /run/pptpd.pid" \
    > "$WORK/pptpd.out" 2>&1 &
pids+=($!)
sleep 1
ip netns exec $CLI unshare -m sh -c "mount -t tmpfs tmpfs /run && mkdir -p /run/pptp && exec $JAVA ppp --role client \
    --user alice --password-file $WORK/password --tun pgcli%d --auth mschapv2 --mppe require --mppe-bits 128 \
    --log-file $WORK/client.log --pty '/usr/bin/python3 $RELAY /usr/sbin/pptp 192.0.2.1 --nolaunchpppd'" \
    > "$WORK/client.out" 2>&1 &
pids+=($!)

for i in $(seq 1 60); do
    if grep -q 'TUN .* up' "$WORK/client.log" 2>/dev/null && grep -q 'TUN .* up' "$WORK/server.log" 2>/dev/null; then
        break
    fi
    sleep 0.5
done
echo "--- client.log"; cat "$WORK/client.log" 2>/dev/null || true
echo "--- server.log"; cat "$WORK/server.log" 2>/dev/null || true
grep -q 'TUN pgcli.* up: 10.77.0.2 peer 10.77.0.1' "$WORK/client.log"
grep -q 'TUN pgsrv.* up: 10.77.0.1 peer 10.77.0.2' "$WORK/server.log"
grep -q 'MPPE 128-bit' "$WORK/client.log"
echo "--- addresses"
ip -n $CLI -4 addr show | grep -A2 pgcli
ip -n $SRV -4 addr show | grep -A2 pgsrv
echo "--- ping"
ip netns exec $CLI ping -c 3 -W 3 10.77.0.1
if [ "${IPERF:-0}" = 1 ]; then
    ip netns exec $SRV iperf3 -s -1 -B 10.77.0.1 > "$WORK/iperf-server.out" 2>&1 &
    pids+=($!)
    sleep 1
    ip netns exec $CLI iperf3 -c 10.77.0.1 -t 3
fi
echo "REAL-PPTP-OK"
