#!/usr/bin/python3
"""Runs a program with one end of a socketpair as its stdin and stdout, relayed to ours.

`pptp --nolaunchpppd` treats fd 0 as pppd's pty and both reads and writes it, so a pipe (what
a Java Process gives) will not do. The test speaks async HDLC (RFC 1662) on this relay's
stdin/stdout; this script only moves bytes. Exits when the program or the test goes away.
"""
import os, select, socket, subprocess, sys

ours, theirs = socket.socketpair()
child = subprocess.Popen(sys.argv[1:], stdin=theirs, stdout=theirs)
theirs.close()
while child.poll() is None:
    ready, _, _ = select.select([0, ours], [], [], 0.2)
    for source in ready:
        data = os.read(0, 65536) if source == 0 else ours.recv(65536)
        if not data:
            child.terminate()
            sys.exit(0)
        if source == 0:
            ours.sendall(data)
        else:
            os.write(1, data)
