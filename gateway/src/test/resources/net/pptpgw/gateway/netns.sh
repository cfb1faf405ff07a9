# Sourced by the end-to-end scripts here and by benchmarks/concentrator-bench.sh (by its repo
# path): network namespaces that are removed however the script ends, and waits on logs and on
# the Prometheus endpoint of a process in one of them.
# Usage: source netns.sh NAMESPACE...   Removes leftovers of those namespaces now; on any exit
# kills this shell's background jobs and whatever else runs in the namespaces, then deletes them.
# metric and expect_metric read METRICS (a URL) from inside the namespace SRV.
NAMESPACES="$*"
cleanup() {
    # Only this shell's live jobs: a stored PID of a job that ended may by now be another
    # process's, or a thread of the JVM running this script (threads share the PID space).
    for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    for ns in $NAMESPACES; do
        for pid in $(ip netns pids $ns 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    done
    sleep 1
    for ns in $NAMESPACES; do
        for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del $ns 2>/dev/null || true
    done
}
trap cleanup EXIT
trap "exit 1" INT TERM
cleanup

metric() { # metric NAME_WITH_LABELS -> value, 0 when absent
    ip netns exec $SRV curl -s --max-time 5 "$METRICS" \
        | awk -v m="$1" '$1 == m {print $2; found=1} END {if (!found) print 0}'
}
expect_metric() { # expect_metric NAME VALUE [SECONDS, default 15]
    for i in $(seq 1 $(( ${3:-15} * 2 ))); do
        [ "$(metric "$1")" = "$2" ] && { echo "metric $1 = $2"; return 0; }
        sleep 0.5
    done
    echo "metric $1 is $(metric "$1"), expected $2"; return 1
}
wait_log() { # wait_log FILE PATTERN SECONDS
    for i in $(seq 1 $(( $3 * 2 ))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "no '$2' in $1 after $3 s"; return 1
}
