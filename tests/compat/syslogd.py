#!/usr/bin/env python3
"""A tiny syslog listener for the side-by-side suite.

syslogd.py SOCKET OUTFILE: bind a Unix datagram socket at SOCKET and write
one line per message to OUTFILE: "FACILITY.PRIORITY IDENT[PID]: MESSAGE",
the timestamp dropped and the PID kept (the suite normalises it), so the
runs of two programs compare.  On SIGTERM it writes every message still
queued on the socket, then exits: the suite stops it once the program
under test has exited, whose syslog(3) datagrams are all queued by then,
so nothing is lost to a listener slow to read them (a loaded machine).
"""
import os
import re
import select
import signal
import socket
import sys

FAC = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
       "uucp", "cron", "authpriv", "ftp"] + ["local%d" % i for i in range(8)]
PRI = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
# <PRI>Mmm dd hh:mm:ss ident[pid]: message
MSG = re.compile(r"^<(\d+)>(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )?"
                 r"([^\[:]*)(?:\[(\d+)\])?: ?(.*)$", re.S)


def name(pri):
    fac, sev = divmod(pri, 8)
    f = FAC[fac] if fac < len(FAC) else str(fac)
    return "%s.%s" % (f, PRI[sev])


def main():
    path, out = sys.argv[1], sys.argv[2]
    # SIGTERM only wakes the loop (through the pipe), never interrupts a
    # message half written; set up before the socket appears, which is
    # what the suite waits for.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGTERM, lambda *a: None)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if os.path.exists(path):
        os.unlink(path)
    s.bind(path)
    s.setblocking(False)
    with open(out, "a", buffering=1) as f:
        while True:
            ready = select.select([s, wake_r], [], [])[0]
            while True:
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    break
                write(f, data)
            if wake_r in ready:
                return


def write(f, raw):
    data = raw.decode("utf-8", "replace").rstrip("\n\0")
    m = MSG.match(data)
    if m is None:
        f.write("? %s\n" % data)
        return
    pid = "[%s]" % m.group(3) if m.group(3) else ""
    f.write("%s %s%s: %s\n" % (name(int(m.group(1))), m.group(2), pid,
                               m.group(4)))


if __name__ == "__main__":
    main()
