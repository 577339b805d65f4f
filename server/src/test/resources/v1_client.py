"""A protocol v1 client that behaves like the original Python tox-server client.

It sends [b"", JSON] with "command", "args" and "timeout" and no "version" key, decodes OUTPUT with
base64.b85decode, writes the bytes to its own stdout/stderr, and ignores HEARTBEAT. Usage:

    v1_client.py ENDPOINT RUN ARG...   -> exits with the run's returncode (1 on ERR)
    v1_client.py ENDPOINT PING         -> prints the reply's args as JSON
"""
import base64
import json
import sys

import zmq


def main() -> int:
    endpoint, command, *args = sys.argv[1:]
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    payload = {"tox": args} if command == "RUN" else None
    sock.send_multipart([b"", json.dumps({"command": command, "args": payload, "timeout": 5.0}).encode("utf-8")])
    streams = {"STDOUT": sys.stdout.buffer, "STDERR": sys.stderr.buffer}
    while True:
        if not sock.poll(10000):
            print("v1_client: timed out", file=sys.stderr)
            return 99
        frames = sock.recv_multipart()
        assert frames[0] == b"", frames
        message = json.loads(frames[-1])
        if message["command"] == "OUTPUT":
            stream = streams[message["args"]["stream"]]
            stream.write(base64.b85decode(message["args"]["data"]))
            stream.flush()
        elif message["command"] == "HEARTBEAT":
            assert message["args"]["state"] in ("QUEUED", "STARTED"), message
        elif message["command"] == "RUN":
            return message["args"]["returncode"]
        elif message["command"] == "ERR":
            print("ERR: " + message["args"]["message"], file=sys.stderr)
            return 1
        else:
            print(json.dumps(message["args"]))
            return 0


if __name__ == "__main__":
    sys.exit(main())
