# Sourced by the real-peer scripts: two network namespaces, ${PREFIX}-srv (192.0.2.1) and
# ${PREFIX}-cli (192.0.2.2), joined by the veth pair ${PREFIX}-s / ${PREFIX}-c, loopback up.
# Sets SRV and CLI. Processes the script starts in the background go into the array `pids`; on
# any exit they, and whatever else runs in the two namespaces, are killed and the namespaces
# removed. Usage: source netns_pair.sh PREFIX
PREFIX=$1
SRV=$PREFIX-srv; CLI=$PREFIX-cli
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
trap "exit 1" INT TERM
cleanup

ip netns add $SRV
ip netns add $CLI
ip link add $PREFIX-s type veth peer name $PREFIX-c
ip link set $PREFIX-s netns $SRV
ip link set $PREFIX-c netns $CLI
ip -n $SRV addr add 192.0.2.1/24 dev $PREFIX-s
ip -n $CLI addr add 192.0.2.2/24 dev $PREFIX-c
for ns in $SRV $CLI; do ip -n $ns link set lo up; done
ip -n $SRV link set $PREFIX-s up
ip -n $CLI link set $PREFIX-c up
