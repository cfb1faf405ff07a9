# Sourced, after netns_pair.sh, by the scripts that run real pptpd with `pptp-gateway ppp` as its
# ppp program. Needs JAVA (the command running pptp-gateway) and WORK, whose chap-secrets holds
# the users.
# start_pptpd TUN LOCALIP REMOTEIPS [PPP_ARG...]: pptpd in the background in SRV, with a /run of
# its own for its pid file; every call's PPP server does MS-CHAPv2 + MPPE-128 (plus the PPP_ARGs)
# and logs to WORK/server.log.
start_pptpd() {
    local tun=$1 localip=$2 remoteip=$3; shift 3
    : > "$WORK/options.pptpd"
    cat > "$WORK/launcher.sh" <<LAUNCH
#!/bin/sh
exec $JAVA ppp --secrets $WORK/chap-secrets --name pptpd --tun $tun --auth mschapv2 --mppe require \
    --mppe-bits 128 $* --log-file $WORK/server.log "\$@"
LAUNCH
    chmod +x "$WORK/launcher.sh"
    cat > "$WORK/pptpd.conf" <<CONF
ppp $WORK/launcher.sh
option $WORK/options.pptpd
localip $localip
remoteip $remoteip
CONF
    ip netns exec $SRV unshare -m sh -c "mount -t tmpfs tmpfs /run && exec pptpd -f -c $WORK/pptpd.conf -p /run/pptpd.pid" \
        > "$WORK/pptpd.out" 2>&1 &
}
