#!/usr/bin/python3
"""pgpeer: a tiny PPP peer standing in for pppd on both ends of a real PPTP call.

This kernel has no PPP driver, so pppd cannot run. pptpd (server side) and `pptp
--nolaunchpppd` (client side) both carry the PPP byte stream of the call as RFC 1662
async HDLC (0x7e flags, 0x7d escapes, FCS-16) on a pty or on stdin, and put the
de-framed PPP frames into GRE. This stub speaks just enough real LCP over that stream
(RFC 1661): a Configure-Request with MRU and Magic-Number, Configure-Ack for the
peer's request, Echo-Requests answered with Echo-Replies, and on the client a
Terminate-Request before it hangs up. So GRE carries real PPP both ways.

  server: pptpctrl execs us (via the `ppp` option of pptpd.conf) with the pty on fd 0/1.
  client: we run `pptp --nolaunchpppd` with one end of a socketpair as its stdin/stdout.
Every loop is bounded in time; a JSON summary of what was sent and received is written
to --out (client) or $PG_CAP_RUN/server-<pid>.json (server) for the capture script.
"""
import json, os, select, signal, socket, struct, subprocess, sys, time

FLAG, ESC = 0x7E, 0x7D
LCP = 0xC021
CONF_REQ, CONF_ACK, TERM_REQ, TERM_ACK, ECHO_REQ, ECHO_REP = 1, 2, 5, 6, 9, 10


def _fcs_table():
    table = []
    for b in range(256):
        v = b
        for _ in range(8):
            v = (v >> 1) ^ 0x8408 if v & 1 else v >> 1
        table.append(v)
    return table


FCS_TABLE = _fcs_table()


def fcs16(data):
    """RFC 1662 appendix C.2: FCS-16, initial 0xffff, sent complemented, least significant byte first."""
    fcs = 0xFFFF
    for b in data:
        fcs = (fcs >> 8) ^ FCS_TABLE[(fcs ^ b) & 0xFF]
    return fcs ^ 0xFFFF


def hdlc_encode(frame):
    """RFC 1662 section 4: escape flag, escape and every control character (default ACCM)."""
    out = bytearray([FLAG])
    for b in frame + struct.pack('<H', fcs16(frame)):
        if b < 0x20 or b in (FLAG, ESC):
            out += bytes([ESC, b ^ 0x20])
        else:
            out.append(b)
    out.append(FLAG)
    return bytes(out)


class Deframer:
    """Splits the async HDLC byte stream into PPP frames; drops frames with a bad FCS."""

    def __init__(self):
        self.pending = bytearray()
        self.bad_fcs = 0

    def feed(self, data):
        self.pending += data
        frames = []
        while True:
            end = self.pending.find(FLAG)
            if end < 0:
                return frames
            raw, self.pending = bytes(self.pending[:end]), self.pending[end + 1:]
            frame, escaped = bytearray(), False
            for b in raw:
                if escaped:
                    frame.append(b ^ 0x20)
                    escaped = False
                elif b == ESC:
                    escaped = True
                else:
                    frame.append(b)
            if len(frame) < 4:
                continue
            if fcs16(bytes(frame[:-2])) != struct.unpack('<H', frame[-2:])[0]:
                self.bad_fcs += 1
                continue
            frames.append(bytes(frame[:-2]))


class LcpPeer:
    """The LCP side of a PPP peer: what to send at start, on each frame and on each tick."""

    def __init__(self, role, magic):
        self.role = role
        self.magic = magic
        self.ident = 0
        self.acked = False
        self.conf_req_sent = 0
        self.last_conf_req = 0.0
        self.echo_seq = 0
        self.last_echo = 0.0
        self.terminated = False
        self.closing = False
        self.stats = dict(role=role, magic='%08x' % magic, tx={}, rx={}, rx_other=0)

    def _count(self, way, code):
        name = {CONF_REQ: 'configure-request', CONF_ACK: 'configure-ack', TERM_REQ: 'terminate-request',
                TERM_ACK: 'terminate-ack', ECHO_REQ: 'echo-request', ECHO_REP: 'echo-reply'}.get(code, 'code-%d' % code)
        self.stats[way][name] = self.stats[way].get(name, 0) + 1

    def packet(self, code, ident, data):
        self._count('tx', code)
        # Address/control FF 03 and a 2-byte protocol: nothing negotiated ACFC or PFC (RFC 1661 section 6.5/6.6).
        return struct.pack('!BBHBBH', 0xFF, 0x03, LCP, code, ident, 4 + len(data)) + data

    def configure_request(self):
        self.ident = (self.ident + 1) & 0xFF
        self.conf_req_sent += 1
        self.last_conf_req = time.time()
        mru = struct.pack('!BBH', 1, 4, 1400)               # RFC 1661 section 6.1 Maximum-Receive-Unit
        magic = struct.pack('!BBI', 5, 6, self.magic)       # RFC 1661 section 6.4 Magic-Number
        return self.packet(CONF_REQ, self.ident, mru + magic)

    def on_frame(self, frame):
        """The frames to answer with."""
        if frame[:2] == b'\xff\x03':
            frame = frame[2:]
        if len(frame) < 6 or struct.unpack('!H', frame[:2])[0] != LCP:
            self.stats['rx_other'] += 1
            return []
        code, ident, length = struct.unpack('!BBH', frame[2:6])
        data = frame[6:2 + length]
        self._count('rx', code)
        if code == CONF_REQ:
            return [self.packet(CONF_ACK, ident, data)]    # accept every option the peer asks for
        if code == CONF_ACK:
            self.acked = True
        elif code == ECHO_REQ:
            return [self.packet(ECHO_REP, ident, struct.pack('!I', self.magic) + data[4:])]
        elif code == TERM_REQ:
            self.terminated = True
            return [self.packet(TERM_ACK, ident, b'')]
        elif code == TERM_ACK:
            self.terminated = True
        return []

    def on_tick(self, now, echo_interval):
        """Configure-Request retransmission (restart timer 1 s, at most 10: RFC 1661 section 4.6) and echoes."""
        if self.terminated or self.closing:
            return []
        if not self.acked and self.conf_req_sent < 10 and now - self.last_conf_req >= 1.0:
            return [self.configure_request()]
        if self.acked and echo_interval and now - self.last_echo >= echo_interval:
            self.last_echo = now
            self.echo_seq += 1
            return [self.packet(ECHO_REQ, self.echo_seq & 0xFF, struct.pack('!I', self.magic) + b'pg-cap')]
        return []


def write_all(fd, data, deadline):
    view = memoryview(data)
    while view and time.time() < deadline:
        _, ready, _ = select.select([], [fd], [], 0.2)
        if ready:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                pass
    return not view


def pump(fd, peer, deframer, until, echo_interval, stop=lambda: False):
    """Runs the peer on fd until the deadline, EOF or stop(); returns why it ended."""
    while time.time() < until:
        if stop():
            return 'stopped'
        now = time.time()
        out = peer.on_tick(now, echo_interval)
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                data = None
            except OSError:
                return 'eio'
            if data == b'':
                return 'eof'
            for frame in deframer.feed(data or b''):
                out += peer.on_frame(frame)
        if out and not write_all(fd, b''.join(hdlc_encode(f) for f in out), time.time() + 1):
            return 'write-timeout'
    return 'deadline'


def server(argv):
    import termios, tty
    run = os.environ.get('PG_CAP_RUN', '/tmp')
    try:
        tty.setraw(0)  # pptpctrl hands over the pty slave in cooked mode; pppd would make it raw too
    except termios.error:
        pass
    os.set_blocking(0, False)
    stopped = []
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda n, _f: stopped.append(n))
    peer, deframer = LcpPeer('server', 0x53525652), Deframer()
    # pptpctrl reads GRE only after the pty has produced data: speak first.
    write_all(1, hdlc_encode(peer.configure_request()), time.time() + 2)
    why = pump(0, peer, deframer, time.time() + float(os.environ.get('PG_CAP_SERVER_LIFE', '60')),
               float(os.environ.get('PG_CAP_ECHO_INTERVAL', '0.5')), lambda: bool(stopped))
    peer.stats.update(argv=argv, end=why, bad_fcs=deframer.bad_fcs, signals=stopped)
    with open('%s/server-%d.json' % (run, os.getpid()), 'w') as f:
        json.dump(peer.stats, f)


def client(argv):
    import argparse
    p = argparse.ArgumentParser(prog='pgpeer.py client')
    p.add_argument('--server', required=True)
    p.add_argument('--local', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--seconds', type=float, default=4.0, help='LCP echo time once the call is up')
    p.add_argument('--echo-interval', type=float, default=0.5)
    p.add_argument('--pptp-args', default='')
    o = p.parse_args(argv)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    command = ['pptp', o.server, '--nolaunchpppd', '--localbind', o.local, '--nohostroute', '--nobuffer'] + o.pptp_args.split()
    pptp = subprocess.Popen(command, stdin=theirs.fileno(), stdout=theirs.fileno(),
                            stderr=open(o.out + '.stderr', 'wb'), close_fds=True)
    theirs.close()
    ours.setblocking(False)
    fd = ours.fileno()
    peer, deframer = LcpPeer('client', 0x434c4e54), Deframer()
    stats = dict(command=command, established_after=None, end=None)
    t0 = time.time()

    def established():  # pptp renames itself once the call manager has the Outgoing-Call-Reply
        try:
            with open('/proc/%d/comm' % pptp.pid) as f:
                return f.read().strip() == 'pptpgw'
        except OSError:
            return False

    try:
        while time.time() < t0 + 15 and pptp.poll() is None and not established():
            time.sleep(0.05)
        if established():
            stats['established_after'] = round(time.time() - t0, 3)
            write_all(fd, hdlc_encode(peer.configure_request()), time.time() + 1)
            stats['end'] = pump(fd, peer, deframer, time.time() + o.seconds, o.echo_interval)
            # Close the link the PPP way (RFC 1661 section 5.5), then hang up the call.
            peer.closing = True
            write_all(fd, hdlc_encode(peer.packet(TERM_REQ, 0x7F, b'')), time.time() + 1)
            pump(fd, peer, deframer, time.time() + 2, 0, lambda: peer.terminated)
        else:
            stats['end'] = 'not-established'
    finally:
        if pptp.poll() is None:
            # pptp-linux hangs up by sending Call-Clear-Request and closing the TCP connection;
            # it sends no Stop-Control-Connection-Request, and pptpd answers with its own FIN.
            pptp.send_signal(signal.SIGTERM)
            try:
                pptp.wait(8)
            except subprocess.TimeoutExpired:
                pptp.kill()
                pptp.wait()
        stats.update(peer.stats, pptp_exit=pptp.returncode, bad_fcs=deframer.bad_fcs)
        with open(o.out, 'w') as f:
            json.dump(stats, f)


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'client':
        client(sys.argv[2:])
    else:
        server(sys.argv[1:])
