#!/usr/bin/env python3
"""Captures the `option httplog` lines real HAProxy 2.6.12 sends to a UDP syslog target, one per outcome.

Starts a UDP listener on 127.0.0.1 (the `log 127.0.0.1:PORT local0` target), one tiny scripted HTTP server per
backend server (threads of this process), and `haproxy -db -f <cfg>` with one frontend per case. Each case sends
its requests (each on its own connection, some at once), waits for their answers, and the syslog datagrams are
written, one per line and in arrival order, next to this script:

  httplog.cfg     the configuration HAProxy ran (ports vary between runs; everything else does not)
  httplog.lines   `CASE <name>` then the datagrams of that case, exactly as received (`<PRI>` header included)

Cases: ok (200, empty body), body (200, 5-byte body), slow (504 after timeout server, sH), refused (503 after
3 retries, SC), nosrv (every server DOWN: 503 <NOSRV> SC), qtimeout (maxconn 1: the second request times out
in the queue, sQ), queued (maxconn 1: three requests wait their turn, Tw and srv_queue), invalid (502 PH),
closed (the server closes without answering: 502 SH), errors (`option log-separate-errors`: a 503 at level
err, a 200 at info), dontlog (`option dontlog-normal`: only the error is logged), sizes (one request to each of
SIZES' servers, routed by path, for the %B HAProxy counts: `CASE sizes` lines are preceded by `REPLY <python
repr of the bytes the server sent>`).

HAProxy is stopped by its PID at the end; the servers are closed. Run: python3 capture-httplog.py
Only 127.0.0.0/8 is used.
"""
import os
import socket
import socketserver
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HAPROXY = "/usr/sbin/haproxy"


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def start_server(reply, delay=0.0):
    """A server that reads one request, waits `delay` seconds, then sends `reply` (None: closes) and closes."""
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(4096)
                if not chunk:
                    return
                data += chunk
            if b"/health" in data.split(b"\r\n")[0]:
                self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            time.sleep(delay)
            if reply is not None:
                try:
                    self.request.sendall(reply)
                except OSError:
                    pass  # HAProxy gave up on it first (timeout server)

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


EMPTY = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
SIZES = [
    EMPTY,
    b"HTTP/1.1 200 Okay\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: b\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: b\r\nX-B: c\r\n\r\n",
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc",
    b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabcd",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
]
BODY = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"


def get(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, body = data.partition(b"\r\n\r\n")
                length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(body) >= int(length[0].split(b":")[1]):
                    break
        return data


def at_once(port, paths):
    threads = [threading.Thread(target=get, args=(port, p)) for p in paths]
    for i, t in enumerate(threads):
        t.start()
        time.sleep(0.05)  # keep the arrival order
    for t in threads:
        t.join()


def main():
    log_port = free_port(socket.SOCK_DGRAM)
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", log_port))
    received = []

    def listen():
        while True:
            try:
                data, _ = sink.recvfrom(65536)
            except OSError:
                return
            received.append(data.decode("latin-1").rstrip("\n"))
    threading.Thread(target=listen, daemon=True).start()

    ok = start_server(EMPTY)
    body = start_server(BODY)
    slow = start_server(EMPTY, delay=1.5)
    invalid = start_server(b"NOT HTTP\r\n\r\n")
    closed = start_server(None)
    queued = start_server(EMPTY, delay=0.4)
    refused = free_port()  # nothing listens there

    cases = [
        ("ok", "", f"server web01 127.0.0.1:{ok.server_address[1]}", lambda p: get(p, "/")),
        ("body", "", f"server web01 127.0.0.1:{body.server_address[1]}", lambda p: get(p, "/a?b=1")),
        ("slow", "    timeout server 500ms\n", f"server web01 127.0.0.1:{slow.server_address[1]}",
         lambda p: get(p, "/slow")),
        ("refused", "", f"server web01 127.0.0.1:{refused}", lambda p: get(p, "/")),
        ("nosrv", "    option httpchk GET /health\n",
         f"server web01 127.0.0.1:{refused} check inter 100ms fall 1", lambda p: get(p, "/")),
        ("qtimeout", "    timeout queue 300ms\n", f"server web01 127.0.0.1:{slow.server_address[1]} maxconn 1",
         lambda p: at_once(p, ["/first", "/second"])),
        ("queued", "", f"server web01 127.0.0.1:{queued.server_address[1]} maxconn 1",
         lambda p: at_once(p, ["/1", "/2", "/3"])),
        ("invalid", "", f"server web01 127.0.0.1:{invalid.server_address[1]}", lambda p: get(p, "/")),
        ("closed", "", f"server web01 127.0.0.1:{closed.server_address[1]}", lambda p: get(p, "/")),
        ("errors", "", f"server web01 127.0.0.1:{refused}\n    server web02 127.0.0.1:{ok.server_address[1]}",
         lambda p: (get(p, "/"), get(p, "/"))),
        ("dontlog", "", f"server web01 127.0.0.1:{ok.server_address[1]}\n    server web02 127.0.0.1:{refused}",
         lambda p: (get(p, "/"), get(p, "/"))),
    ]
    sized = [start_server(reply) for reply in SIZES]
    ports = {name: free_port() for name, *_ in cases}
    sizes_port = free_port()
    cfg = ["global", "    maxconn 100", "",
           "defaults", "    mode http", "    timeout connect 1s", "    timeout client 10s",
           "    timeout server 10s", "    balance roundrobin", ""]
    for name, extra, servers, _ in cases:
        options = ""
        if name == "errors":
            options = "    option log-separate-errors\n"
        if name == "dontlog":
            options = "    option dontlog-normal\n"
        cfg.append(f"frontend fe_{name}\n    bind 127.0.0.1:{ports[name]}\n"
                   f"    log 127.0.0.1:{log_port} local0\n    option httplog\n{options}"
                   f"    default_backend be_{name}\n")
        cfg.append(f"backend be_{name}\n{extra}    {servers}\n")
    cfg.append(f"frontend fe_sizes\n    bind 127.0.0.1:{sizes_port}\n    log 127.0.0.1:{log_port} local0\n"
               f"    option httplog\n    use_backend be_size%[path,field(2,/)]\n")
    for i, server in enumerate(sized):
        cfg.append(f"backend be_size{i}\n    server web01 127.0.0.1:{server.server_address[1]}\n")
    text = "\n".join(cfg)
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(text)
    haproxy = subprocess.Popen([HAPROXY, "-db", "-f", f.name], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines = []
    try:
        time.sleep(1.0)  # listeners bound, the nosrv server checked DOWN
        for name, _, _, run in cases:
            before = len(received)
            run(ports[name])
            time.sleep(0.3)
            lines.append(f"CASE {name}")
            lines.extend(received[before:])
        lines.append("CASE sizes")
        for i, reply in enumerate(SIZES):
            before = len(received)
            get(sizes_port, f"/{i}")
            time.sleep(0.2)
            lines.append(f"REPLY {reply!r}")
            lines.extend(received[before:])
    finally:
        haproxy.kill()
        haproxy.wait()
        os.unlink(f.name)
    with open(os.path.join(HERE, "httplog.cfg"), "w") as out:
        out.write(text)
    with open(os.path.join(HERE, "httplog.lines"), "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
