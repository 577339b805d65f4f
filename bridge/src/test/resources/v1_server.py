"""A tox-server that speaks only protocol v1, as the original Python tox-server does.

Usage: python3 v1_server.py PORT COMMAND [ARGS...]

Replies never carry "version", OUTPUT is always base85 in the JSON (never a raw frame), and
heartbeats carry only "now". It runs one request at a time, without a shell, in a single thread
(a ZeroMQ socket is not thread-safe), and prints "ready" once it listens.
"""
import base64
import json
import os
import subprocess
import sys
import time

import zmq

port, command = sys.argv[1], sys.argv[2:]
ctx = zmq.Context()
router = ctx.socket(zmq.ROUTER)
router.bind("tcp://127.0.0.1:%s" % port)
print("ready", flush=True)


def send(identity, command, args):
    router.send_multipart([identity, b"", json.dumps({"command": command, "args": args}).encode()])


run = None  # (identity, process, args, {fd: stream}, heartbeat period, next heartbeat)
poller = zmq.Poller()
poller.register(router, zmq.POLLIN)
while True:
    wait = 100
    events = dict(poller.poll(wait))
    if router in events:
        identity, _, body = router.recv_multipart()
        request = json.loads(body)
        name, args = request.get("command"), request.get("args")
        if name == "PING":
            send(identity, "PING", {"time": time.time(), "tasks": 1 if run else 0})
        elif name == "QUIT":
            send(identity, "QUIT", "DONE")
            break
        elif name == "RUN" and run is None:
            p = subprocess.Popen(command + args["tox"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            fds = {p.stdout.fileno(): "STDOUT", p.stderr.fileno(): "STDERR"}
            for fd in fds:
                poller.register(fd, zmq.POLLIN)
            timeout = request.get("timeout")
            period = timeout / 2 if timeout else None
            run = [identity, p, args["tox"], fds, period, time.time() + (period or 0)]
        elif name == "INTERRUPT" and run is not None and run[0] == identity:
            run[1].terminate()
        else:
            send(identity, "ERR", {"message": "Could not handle %s" % name})
    if run is not None:
        identity, p, args, fds, period, next_beat = run
        for fd, stream in list(fds.items()):
            if fd in events:
                data = os.read(fd, 65536)
                if data:
                    send(identity, "OUTPUT", {"data": base64.b85encode(data).decode(), "stream": stream})
                else:
                    poller.unregister(fd)
                    del fds[fd]
        if period and time.time() >= next_beat:
            send(identity, "HEARTBEAT", {"now": time.time()})
            run[5] = time.time() + period
        if not fds and p.poll() is not None:
            send(identity, "RUN", {"returncode": p.returncode, "args": args})
            run = None
