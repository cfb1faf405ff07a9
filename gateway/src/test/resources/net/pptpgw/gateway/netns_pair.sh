# Sourced by the real-peer scripts and benchmarks/concentrator-bench.sh: two network namespaces,
# ${PREFIX}-srv (192.0.2.1) and ${PREFIX}-cli (192.0.2.2), joined by the veth pair ${PREFIX}-s /
# ${PREFIX}-c, and any further namespaces named, all with loopback up and all removed on any exit
# (netns.sh, whose waits this brings too). Sets SRV and CLI.
# Usage: source netns_pair.sh PREFIX [NAMESPACE...]
PREFIX=$1; shift
SRV=$PREFIX-srv; CLI=$PREFIX-cli
source "$(dirname "${BASH_SOURCE[0]}")/netns.sh" $SRV $CLI "$@"

for ns in $SRV $CLI "$@"; do
    ip netns add $ns
    ip -n $ns link set lo up
done
ip link add $PREFIX-s type veth peer name $PREFIX-c
ip link set $PREFIX-s netns $SRV
ip link set $PREFIX-c netns $CLI
ip -n $SRV addr add 192.0.2.1/24 dev $PREFIX-s
ip -n $CLI addr add 192.0.2.2/24 dev $PREFIX-c
ip -n $SRV link set $PREFIX-s up
ip -n $CLI link set $PREFIX-c up
