#!/usr/bin/python3
"""Stand-in for pppd on both ends of a real PPTP call (this kernel has no PPP driver).

server mode: pptpd runs it as its "ppp" program, the pty slave on fd 0/1.
client mode: runs `pptp --nolaunchpppd ...` with one end of a socketpair as its stdin/stdout.

Both speak PPP in RFC 1662 async HDLC framing (0x7e flags, 0x7d escapes, FCS-16), as pptp and
pptpctrl expect on their PPP side. Frames are LCP Echo-Request/Echo-Reply (RFC 1661 section 5.8)
whose data names the client, so a client can tell its own frames from anyone else's:
  client -> server  Echo-Request  "PGNAT C <name> <n>"
  server -> client  Echo-Reply    "PGNAT R <name> <n>"   (answer, same name)
  server -> client  Echo-Request  "PGNAT S <name> <n>"   (server-initiated, to the name it learned)
"""
import json, os, select, signal, socket, subprocess, sys, time

def fcs16(data):
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xFFFF

def frame(ppp):
    body = ppp + fcs16(ppp).to_bytes(2, 'little')
    out = bytearray(b'\x7e')
    for b in body:
        if b < 0x20 or b in (0x7d, 0x7e):
            out += bytes((0x7d, b ^ 0x20))
        else:
            out.append(b)
    out.append(0x7e)
    return bytes(out)

class Deframer:
    def __init__(self):
        self.pending = b''
    def feed(self, data):
        self.pending += data
        *frames, self.pending = self.pending.split(b'\x7e')
        result = []
        for raw in frames:
            out, escape = bytearray(), False
            for b in raw:
                if escape:
                    out.append(b ^ 0x20); escape = False
                elif b == 0x7d:
                    escape = True
                else:
                    out.append(b)
            if len(out) >= 4 and fcs16(bytes(out[:-2])) == int.from_bytes(out[-2:], 'little'):
                result.append(bytes(out[:-2]))
        return result

def lcp(code, ident, data):
    return b'\xff\x03\xc0\x21' + bytes((code, ident & 0xFF)) + (8 + len(data)).to_bytes(2, 'big') + b'PGNT' + data

def parse(ppp):
    """(code, words) of an LCP packet carrying our text, else (code or None, None)."""
    if ppp[:4] == b'\xff\x03\xc0\x21':
        ppp = ppp[4:]
    elif ppp[:2] == b'\xc0\x21':
        ppp = ppp[2:]
    else:
        return None, None
    if len(ppp) < 8:
        return ppp[0] if ppp else None, None
    words = ppp[8:].decode('ascii', 'replace').split(' ')
    return ppp[0], (words if len(words) == 4 and words[0] == 'PGNAT' else None)

def write_all(fd, data, timeout=1.0):
    deadline = time.time() + timeout
    view = memoryview(data)
    while view and time.time() < deadline:
        _, w, _ = select.select([], [fd], [], 0.1)
        if w:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                pass

def server():
    import termios, tty
    try:
        tty.setraw(0)  # the pty slave arrives in cooked mode
    except termios.error:
        pass
    os.set_blocking(0, False)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGHUP, lambda *a: stop.append(1))
    # pptpctrl forwards no GRE until the pty has produced data: speak first.
    write_all(1, frame(lcp(1, 1, b'')))
    deframer, name, seq, last = Deframer(), None, 0, 0.0
    started = time.time()
    while not stop and time.time() - started < 300:
        r, _, _ = select.select([0], [], [], 0.05)
        if r:
            try:
                data = os.read(0, 65536)
            except BlockingIOError:
                data = None
            except OSError:
                break
            if data == b'':
                break
            for ppp in deframer.feed(data or b''):
                code, words = parse(ppp)
                if code == 9 and words and words[1] == 'C':
                    name = name or words[2]
                    write_all(1, frame(lcp(10, int(words[3]), ('PGNAT R %s %s' % (words[2], words[3])).encode())))
        if name and time.time() - last > 0.2:
            seq, last = seq + 1, time.time()
            write_all(1, frame(lcp(9, seq, ('PGNAT S %s %d' % (name, seq)).encode())))

def client(name, status_file, command):
    ours, theirs = socket.socketpair()
    process = subprocess.Popen(command, stdin=theirs.fileno(), stdout=theirs.fileno(), close_fds=True)
    theirs.close()
    ours.setblocking(False)
    status = dict(name=name, pid=process.pid, established=False, sent=0, replies=0, server_frames=0,
                  foreign=[], exited=None)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    deframer, seq, last_send, last_dump = Deframer(), 0, 0.0, 0.0

    def dump():
        with open(status_file + '.tmp', 'w') as f:
            json.dump(status, f)
        os.replace(status_file + '.tmp', status_file)

    while not stop:
        if process.poll() is not None:
            status['exited'] = process.returncode
            break
        if not status['established']:
            try:  # pptp renames its call manager's child once Outgoing-Call-Reply arrived
                status['established'] = open('/proc/%d/comm' % process.pid).read().strip() == 'pptpgw'
            except OSError:
                pass
        r, _, _ = select.select([ours], [], [], 0.05)
        if r:
            try:
                data = ours.recv(65536)
            except BlockingIOError:
                data = None
            if data == b'':
                status['exited'] = 'eof'
                break
            for ppp in deframer.feed(data or b''):
                code, words = parse(ppp)
                if words and words[1] in ('R', 'S'):
                    if words[2] != name:
                        status['foreign'].append(words[2])
                    elif words[1] == 'R':
                        status['replies'] += 1
                    else:
                        status['server_frames'] += 1
        now = time.time()
        if status['established'] and now - last_send > 0.2:
            seq, last_send = seq + 1, now
            try:
                ours.send(frame(lcp(9, seq, ('PGNAT C %s %d' % (name, seq)).encode())))
                status['sent'] += 1
            except BlockingIOError:
                pass
        if now - last_dump > 0.2:
            last_dump = now
            dump()
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(3)
        except subprocess.TimeoutExpired:
            process.kill()
    dump()

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'client':
        client(sys.argv[2], sys.argv[3], sys.argv[5:])  # client NAME STATUS_FILE -- pptp ...
    else:
        server()
