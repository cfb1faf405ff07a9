#!/usr/bin/env bash
# RC4 throughput at 1400-octet packets on one core: OpenSSL's EVP RC4 against this project's
# Rc4 and the JDK's ARCFOUR (JMH, Rc4Benchmark), and against the whole PPP + MPPE data path of
# a PppSession (PppMppeDataPathBenchmark: sendIp, and sendIp + the peer's receive), measured
# back to back on the same machine. With -prof gc it also prints the bytes allocated per packet.
#
#   benchmarks/rc4-vs-openssl.sh            build, then measure (about 2 minutes)
#   SKIP_BUILD=1 benchmarks/rc4-vs-openssl.sh [JMH options...]
#
# OpenSSL runs before and after JMH and the mean is the baseline, so drift on a shared machine
# shows up as a gap between the two runs instead of silently skewing the ratio.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
PACKET=1400

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    mvn -B -q -pl protocol,benchmarks -am package -DskipTests
fi

# `openssl speed` prints "RC4  845841.61k": thousands of octets per second. Echo MB/s.
openssl_mbs() {
    openssl speed -evp rc4 -provider legacy -provider default -bytes "$PACKET" -seconds 5 2>/dev/null \
        | awk '/^[Rr][Cc]4[ \t]/ { v = $NF } END { if (v == "") exit 1; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}

before=$(openssl_mbs)
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
"$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar 'Rc4Benchmark|PppMppeDataPathBenchmark' -rf csv -rff "$csv" "$@" >&2
after=$(openssl_mbs)

awk -F, -v before="$before" -v after="$after" -v packet="$PACKET" '
    NR == 1 { next }
    {
        gsub(/["\r]/, "") # JMH writes CRLF lines
        # "net.pptpgw.benchmarks.Class.method[:gc.alloc.rate.norm]", then the @Param (mode), if any.
        name = $1; sub(/^.*Benchmark\./, "", name)
        metric = ""
        if (match(name, /:/)) { metric = substr(name, RSTART + 1); name = substr(name, 1, RSTART - 1) }
        if ($8 != "") name = name "/" $8
        if (metric == "gc.alloc.rate.norm") alloc[name] = $5
        else if (metric == "") { score[name] = $5; error[name] = $6 }
    }
    END {
        openssl = (before + after) / 2
        printf "RC4, %d-octet packets, one thread, MB/s (10^6 octets/s)\n", packet
        printf "  %-36s %8.1f   (runs before and after JMH: %s, %s)\n", "openssl speed -evp rc4", openssl, before, after
        row("ours", "ours, byte[]", "ours/openssl")
        row("oursDirect", "ours, direct ByteBuf", "ours(direct)/openssl")
        row("jce", "JDK ARCFOUR (Cipher.update)", "jce/openssl")
        row("oursStatelessMppe", "ours, MPPE stateless (rekey/packet)", "stateless/openssl")
        printf "PPP + MPPE-128 data path (PppSession), MB/s of IP payload\n"
        row("sendIp/STATELESS", "sendIp, stateless", "pppmppe/openssl")
        row("sendIp/STATEFUL", "sendIp, stateful", "pppmppe/openssl")
        row("sendAndReceive/STATELESS", "sendIp + peer receive, stateless", "pppmppe/openssl")
        row("sendAndReceive/STATEFUL", "sendIp + peer receive, stateful", "pppmppe/openssl")
    }
    function row(key, label, ratio) {
        if (key in score)
            printf "  %-36s %8.1f \302\261 %-6.1f %s = %.2f%s\n", label, score[key], error[key], ratio, score[key] / openssl,
                (key in alloc) ? sprintf("   (%.2f B allocated/packet)", alloc[key] * packet) : ""
    }
' "$csv"
