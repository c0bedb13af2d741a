#!/usr/bin/env python3
"""Demo backends for scripts/run.sh: tiny HTTP servers on 127.0.0.1 that say who they are.

usage: demo_backend.py CERT_DIR NAME:PORT[:CERT] ...

Each NAME:PORT answers every HTTP request with `backend=NAME`, the method, the path it received and
the headers meshgate adds. With :CERT, a connection that starts with a TLS ClientHello (what a mesh
gateway passes through) is served over TLS with CERT_DIR/CERT.pem and CERT_DIR/CERT-key.pem; plain
connections (what the ingress and terminating gateways send) stay plain. Stops on SIGINT/SIGTERM.
"""

import signal
import socket
import ssl
import sys
import threading


def answer(conn, name):
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ") if lines and lines[0] else ["-", "-"]
    method, path = (parts + ["-", "-"])[:2]
    if method not in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"):
        body = f"backend={name}\n"
        conn.sendall(body.encode())
        return
    body = f"backend={name}\nmethod={method}\npath={path}\n"
    for line in lines[1:]:
        key = line.split(":", 1)[0].lower()
        if key.startswith("x-meshgate") or key.startswith("x-forwarded-client-cert"):
            body += line + "\n"
    conn.sendall(
        (
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n{body}"
        ).encode()
    )


def serve(name, port, tls):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn, name, tls), daemon=True).start()


def handle(conn, name, tls):
    try:
        conn.settimeout(10)
        first = conn.recv(1, socket.MSG_PEEK)
        if tls is not None and first == b"\x16":
            conn = tls.wrap_socket(conn, server_side=True)
        answer(conn, name)
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cert_dir = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for spec in sys.argv[2:]:
        parts = spec.split(":")
        name, port = parts[0], int(parts[1])
        tls = None
        if len(parts) > 2:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(f"{cert_dir}/{parts[2]}.pem", f"{cert_dir}/{parts[2]}-key.pem")
        threading.Thread(target=serve, args=(name, port, tls), daemon=True).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
