#!/usr/bin/env python3
"""A demo application for scripts/run.sh: a plain HTTP server on 127.0.0.1 that says who it is.

usage: demo_backend.py NAME PORT [--datacenter DC] [--relay PREFIX=PORT]...

Every request is answered with `backend=NAME datacenter=DC`, the method, the path it received and
the headers meshgate adds, and a response header `x-demo-hops: NAME@DC`.

With --relay, a request whose path starts with PREFIX (`/billing`, `/billing/charge`) is passed
on, with PREFIX taken off the path, to http://127.0.0.1:PORT — the application calling another
service through an upstream listener of its sidecar, as applications in a Consul mesh do. The
answer carries the upstream's status, its `x-meshgate-reason` header, its body (indented) and
the hops: `x-demo-hops: api-v1@dc1 > billing@dc2`. An upstream that cannot be reached gives 502.

Nothing but its sidecar should reach it: it listens on 127.0.0.1 at the registered service port.
Stops on SIGINT/SIGTERM.
"""

import argparse
import http.client
import http.server
import signal
import sys

ECHOED = ("x-meshgate", "x-forwarded-client-cert")


def handler_for(name, datacenter, relays):
    me = f"{name}@{datacenter}"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "meshgate-demo"

        def log_message(self, fmt, *args):
            sys.stderr.write(f"{me} {self.address_string()} {fmt % args}\n")

        def answer(self):
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(min(length, 1 << 20))
            body = f"backend={name} datacenter={datacenter}\nmethod={self.command}\npath={self.path}\n"
            for key, value in self.headers.items():
                if key.lower().startswith(ECHOED):
                    body += f"{key.lower()}: {value}\n"
            status, hops, headers = 200, me, {}
            for prefix, port in relays:
                if self.path == prefix or self.path.startswith(prefix.rstrip("/") + "/"):
                    rest = self.path[len(prefix.rstrip("/")) :] or "/"
                    status, text, reason, far = relay(port, self.command, rest)
                    body += f"relay {prefix} -> 127.0.0.1:{port}{rest}: {status}\n"
                    body += "".join(f"  {line}\n" for line in text.splitlines())
                    hops = f"{me} > {far}"
                    if reason:
                        headers["x-meshgate-reason"] = reason
                    break
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(data)))
            self.send_header("x-demo-hops", hops)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = answer

    return Handler


def relay(port, method, path):
    """(status, body, x-meshgate-reason, hops) of the upstream's answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers={"host": "upstream"})
        r = conn.getresponse()
        text = r.read(1 << 20).decode("utf-8", "replace")
        reason = r.getheader("x-meshgate-reason") or ""
        far = r.getheader("x-demo-hops") or f"{r.status}" + (f" ({reason})" if reason else "")
        return r.status, text, reason, far
    except OSError as e:
        return 502, f"upstream 127.0.0.1:{port}: {e}", "", f"502 (127.0.0.1:{port} unreachable)"
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser(description="A demo application behind a meshgate sidecar.")
    p.add_argument("name")
    p.add_argument("port", type=int)
    p.add_argument("--datacenter", default="dc1")
    p.add_argument("--relay", action="append", default=[], metavar="PREFIX=PORT")
    args = p.parse_args()
    relays = []
    for spec in args.relay:
        prefix, _, port = spec.partition("=")
        if not prefix.startswith("/") or not port.isdigit():
            p.error(f"--relay {spec}: expected PREFIX=PORT, e.g. /billing=10100")
        relays.append((prefix, int(port)))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(args.name, args.datacenter, relays))
    server.daemon_threads = True
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
