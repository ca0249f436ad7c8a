#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command to a QEMU monitor socket and print the reply.

usage: qmp.py SOCKET JSON-COMMAND

Used by run.sh for the guest's host requests (hot removal and re-adding
of devices); exits non-zero if the command returns an error.
"""
import json
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(sys.argv[1])
    stream = sock.makefile("rw")

    def reply():
        while True:
            line = stream.readline()
            if not line:
                raise EOFError("monitor closed")
            msg = json.loads(line)
            if "return" in msg or "error" in msg:
                return msg

    stream.readline()  # the greeting
    stream.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    stream.flush()
    reply()
    stream.write(json.dumps(json.loads(sys.argv[2])) + "\n")
    stream.flush()
    msg = reply()
    print(json.dumps(msg))
    return 1 if "error" in msg else 0


if __name__ == "__main__":
    sys.exit(main())
