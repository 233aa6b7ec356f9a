#!/usr/bin/env python3
"""Captures which server real HAProxy picks for each request, per load-balancing scenario.

For each scenario below, starts one tiny HTTP server per backend server (threads of this process, each on
127.0.0.1 and answering its own name as the body), starts `haproxy -db -f <cfg>` (HAProxy 2.6.12) with a
frontend on 127.0.0.1 and an admin stats socket, sends the scenario's requests one after the other (each on
its own connection; `source` scenarios bind the client to 127.0.0.x), runs the scenario's stats-socket
commands between them, and writes next to this script:

  <scenario>.cfg    the configuration HAProxy ran (ports vary between runs; the backend section does not)
  <scenario>.picks  one line per step: `pick METHOD URI [src=IP] [hdr:NAME=VALUE]... -> SERVER` (a space or
                    `%` in a header value written `%20`, `%25`), `hold GET / -> SERVER` for a request its server
                    keeps open, `release K` when the K-th held request (from 0) is answered and HAProxy no
                    longer counts it (`show stat` scur), or
                    `cmd COMMAND` for a stats-socket command

HAProxy is stopped by its PID at the end of each scenario, the servers are closed. Run:

  python3 capture-picks.py [scenario...]      # all scenarios when none is named

Only 127.0.0.0/8 is used.
"""
import os
import queue
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import http.client

HERE = os.path.dirname(os.path.abspath(__file__))
HAPROXY = "/usr/sbin/haproxy"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NamedServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


ARRIVALS = queue.Queue()


def start_server(name):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(4096)
                if not chunk:
                    return
                data += chunk
            if b"\r\nx-hold: 1\r\n" in data.lower():
                release = threading.Event()
                ARRIVALS.put((name, release))
                release.wait(10)
            body = name.encode()
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                                 % (len(body), body))

    server = NamedServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# A request: (method, uri, source or None, {header: value}); a command: ("cmd", text).
def get(uri="/", src=None, **headers):
    return ("GET", uri, src, {k.replace("_", "-"): v for k, v in headers.items()})


def cmd(text):
    return ("cmd", text)


def hold():
    """A request whose server keeps it (and its connection slot) until a later release()."""
    return ("hold",)


def release(k):
    """Lets the server of the k-th held request (from 0) answer it; waits until HAProxy no longer counts it."""
    return ("release", k)


def times(n, step):
    return [step] * n


SOURCES = ["127.0.0.%d" % i for i in range(1, 41)]
PATHS = ["/", "/a", "/a/b", "/a/b/c", "/img/logo.png", "/cart?id=1", "/cart?id=2", "/api/v1/users?page=3",
         "/api/v2/users", "/static/app.js", "/x/y/z/w", "/index.html", "/search?q=haproxy&lang=en",
         "/a?b", "/A", "/b", "/c", "/d", "/e", "/f", "/long/path/with/many/segments/file.txt",
         "/cart", "/api", "/api/v1", "/health"]
HOSTS = ["www.example.com", "example.com", "api.example.com", "www.example.org", "shop.example.net",
         "localhost", "a.b.c.d.example.com", "WWW.EXAMPLE.COM", "img.example.com", "example.org",
         "static.cdn.example.com", "foo", "bar.baz", "www.haproxy.org", "haproxy.org"]


def servers(*specs):
    """specs: 'name weight [extra]' strings."""
    return specs


SCENARIOS = {
    "roundrobin-weights-3-2-1": {
        "backend": ["balance roundrobin"],
        "servers": ["s1 weight 3", "s2 weight 2", "s3 weight 1"],
        "steps": times(24, get()),
    },
    "roundrobin-weights-10-10-1": {
        "backend": ["balance roundrobin"],
        "servers": ["s1 weight 10", "s2 weight 10", "s3 weight 1"],
        "steps": times(63, get()),
    },
    "roundrobin-maint-and-back": {
        "backend": ["balance roundrobin"],
        "servers": ["s1 weight 3", "s2 weight 2", "s3 weight 1", "s4 weight 1"],
        "steps": times(5, get()) + [cmd("set server be/s2 state maint")] + times(7, get())
        + [cmd("set server be/s2 state ready")] + times(21, get())
        + [cmd("set server be/s1 state maint"), cmd("set server be/s3 state maint")] + times(6, get())
        + [cmd("set server be/s3 state ready")] + times(5, get())
        + [cmd("set server be/s1 state ready")] + times(20, get()),
    },
    "roundrobin-set-weight": {
        "backend": ["balance roundrobin"],
        "servers": ["s1 weight 4", "s2 weight 2", "s3 weight 1"],
        "steps": times(9, get()) + [cmd("set weight be/s3 6")] + times(20, get())
        + [cmd("set weight be/s1 0")] + times(10, get())
        + [cmd("set weight be/s1 1")] + times(14, get()),
    },
    "static-rr-weights": {
        "backend": ["balance static-rr"],
        "servers": ["s1 weight 4", "s2 weight 2", "s3 weight 6", "s4 weight 1"],
        "steps": times(30, get()) + [cmd("set server be/s3 state maint")] + times(9, get())
        + [cmd("set server be/s3 state ready")] + times(14, get()),
    },
    "first": {
        "backend": ["balance first"],
        "servers": ["s1 maxconn 2", "s2 maxconn 2 id 7", "s3 maxconn 2 id 3"],
        "steps": times(3, get()) + [cmd("set server be/s1 state maint")] + times(3, get())
        + [cmd("set server be/s3 state maint")] + times(2, get())
        + [cmd("set server be/s1 state ready")] + times(2, get()),
    },
    "leastconn-sequential": {
        "backend": ["balance leastconn"],
        "servers": ["s1 weight 3", "s2 weight 2", "s3 weight 1"],
        "steps": times(12, get()) + [cmd("set server be/s2 state maint")] + times(4, get())
        + [cmd("set server be/s2 state ready")] + times(6, get()),
    },
    "source-map-based": {
        "backend": ["balance source"],
        "servers": ["s1 weight 1", "s2 weight 2", "s3 weight 1", "s4 weight 3"],
        "steps": [get(src=s) for s in SOURCES] + [cmd("set server be/s2 state maint")]
        + [get(src=s) for s in SOURCES[:20]],
    },
    "source-consistent": {
        "backend": ["balance source", "hash-type consistent"],
        "servers": ["s1 weight 1", "s2 weight 2", "s3 weight 1", "s4 weight 3"],
        "steps": [get(src=s) for s in SOURCES] + [cmd("set server be/s2 state maint")]
        + [get(src=s) for s in SOURCES[:20]] + [cmd("set server be/s2 state ready")]
        + [get(src=s) for s in SOURCES[:10]],
    },
    "uri-map-based": {
        "backend": ["balance uri"],
        "servers": ["s1", "s2", "s3", "s4", "s5"],
        "steps": [get(p) for p in PATHS],
    },
    "uri-whole-len-depth": {
        "backend": ["balance uri whole len 12 depth 2"],
        "servers": ["s1", "s2 weight 2", "s3"],
        "steps": [get(p) for p in PATHS],
    },
    "uri-consistent": {
        "backend": ["balance uri", "hash-type consistent"],
        "servers": ["s1", "s2", "s3", "s4"],
        "steps": [get(p) for p in PATHS] + [cmd("set server be/s3 state maint")] + [get(p) for p in PATHS],
    },
    "uri-consistent-djb2": {
        "backend": ["balance uri path-only", "hash-type consistent djb2"],
        "servers": ["s1", "s2", "s3", "s4"],
        "steps": [get(p) for p in PATHS] + [get("http://example.com" + p, host="example.com") for p in PATHS[:5]],
    },
    "uri-map-based-wt6-avalanche": {
        "backend": ["balance uri", "hash-type map-based wt6 avalanche"],
        "servers": ["s1", "s2", "s3"],
        "steps": [get(p) for p in PATHS],
    },
    "uri-map-based-crc32": {
        "backend": ["balance uri whole", "hash-type map-based crc32"],
        "servers": ["s1", "s2 weight 3", "s3"],
        "steps": [get(p) for p in PATHS],
    },
    "hdr-host": {
        "backend": ["balance hdr(host)"],
        "servers": ["s1", "s2", "s3", "s4"],
        "steps": [get(host=h) for h in HOSTS] + [get("/no-host-1", host=""), get("/no-host-2", host="")],
    },
    "hdr-host-domain-only": {
        "backend": ["balance hdr(Host) use_domain_only"],
        "servers": ["s1", "s2", "s3", "s4"],
        "steps": [get(host=h) for h in HOSTS],
    },
    "hdr-custom-consistent": {
        "backend": ["balance hdr(X-User)", "hash-type consistent"],
        "servers": ["s1", "s2", "s3"],
        "steps": [get(x_user="user%d" % i) for i in range(20)] + times(6, get()),
    },
    "url-param": {
        "backend": ["balance url_param userid"],
        "servers": ["s1", "s2", "s3"],
        "steps": [get("/p?userid=%d" % i) for i in range(12)] + [get("/p?x=1&userid=abc&y=2"), get("/p?user=1"),
                                                                    get("/p"), get("/p?userid=")],
    },
    "backup-first-only": {
        "backend": ["balance roundrobin"],
        "servers": ["a1", "a2", "b1 backup weight 2", "b2 backup weight 3", "b3 backup"],
        "steps": times(4, get()) + [cmd("set server be/a1 state maint"), cmd("set server be/a2 state maint")]
        + times(6, get()) + [cmd("set server be/b1 state maint")] + times(4, get())
        + [cmd("set server be/b1 state ready")] + times(3, get())
        + [cmd("set server be/a2 state ready")] + times(3, get()),
    },
    "backup-allbackups": {
        "backend": ["balance roundrobin", "option allbackups"],
        "servers": ["a1", "a2", "b1 backup weight 2", "b2 backup weight 3", "b3 backup"],
        "steps": times(4, get()) + [cmd("set server be/a1 state maint"), cmd("set server be/a2 state maint")]
        + times(12, get()) + [cmd("set server be/b2 state maint")] + times(6, get())
        + [cmd("set server be/a2 state ready")] + times(3, get()),
    },
    "backup-static-rr": {
        "backend": ["balance static-rr"],
        "servers": ["a1", "b1 backup weight 2", "b2 backup weight 3"],
        "steps": times(2, get()) + [cmd("set server be/a1 state maint")] + times(10, get()),
    },
    "backup-source-consistent": {
        "backend": ["balance source", "hash-type consistent"],
        "servers": ["a1", "a2", "b1 backup", "b2 backup"],
        "steps": [cmd("set server be/a1 state maint"), cmd("set server be/a2 state maint")]
        + [get(src=s) for s in SOURCES[:8]],
    },
    "roundrobin-churn": {
        "backend": ["balance roundrobin"],
        "servers": ["s1 weight 5", "s2 weight 1", "s3 weight 3", "s4 weight 2", "s5 weight 4"],
        "steps": times(7, get()) + [cmd("set weight be/s2 7")] + times(11, get())
        + [cmd("set server be/s3 state maint")] + times(5, get()) + [cmd("set weight be/s5 1")] + times(9, get())
        + [cmd("set server be/s3 state ready"), cmd("set weight be/s1 0")] + times(13, get())
        + [cmd("set server be/s4 state drain")] + times(6, get()) + [cmd("set server be/s4 state ready")]
        + [cmd("set weight be/s1 9"), cmd("set weight be/s2 2")] + times(40, get()),
    },
    "consistent-weights-and-walk": {
        "backend": ["balance hdr(X-User)", "hash-type consistent"],
        "servers": ["s1", "s2 weight 2", "s3", "s4"],
        "steps": [get(x_user="u%d" % i) for i in range(15)] + times(5, get())
        + [cmd("set weight be/s2 1")] + [get(x_user="u%d" % i) for i in range(15)] + times(3, get())
        + [cmd("set server be/s3 state maint")] + times(6, get()) + [get(x_user="u%d" % i) for i in range(15)]
        + [cmd("set weight be/s4 4")] + [get(x_user="u%d" % i) for i in range(15)] + times(9, get())
        + [cmd("set server be/s3 state ready")] + times(9, get()),
    },
    "static-rr-weight-0": {
        "backend": ["balance static-rr"],
        "servers": ["s1 weight 2", "s2 weight 3", "s3"],
        "steps": times(8, get()) + [cmd("set weight be/s2 0")] + times(5, get())
        + [cmd("set weight be/s2 100%")] + times(12, get()),
    },
    "backup-allbackups-consistent": {
        "backend": ["balance source", "hash-type consistent", "option allbackups"],
        "servers": ["a1", "b1 backup", "b2 backup weight 2", "b3 backup"],
        "steps": [get(src=s) for s in SOURCES[:6]] + [cmd("set server be/a1 state maint")]
        + [get(src=s) for s in SOURCES[:24]] + [cmd("set server be/b2 state maint")]
        + [get(src=s) for s in SOURCES[:12]],
    },
    "backup-allbackups-static-rr": {
        "backend": ["balance static-rr", "option allbackups"],
        "servers": ["a1", "b1 backup weight 2", "b2 backup weight 3"],
        "steps": times(2, get()) + [cmd("set server be/a1 state maint")] + times(12, get())
        + [cmd("set server be/a1 state ready")] + times(3, get()),
    },
    "backup-leastconn-first": {
        "backend": ["balance leastconn"],
        "servers": ["a1", "a2", "b1 backup", "b2 backup"],
        "steps": times(4, get()) + [cmd("set server be/a1 state maint"), cmd("set server be/a2 state maint")]
        + times(4, get()) + [cmd("set server be/b1 state maint")] + times(3, get())
        + [cmd("set server be/b1 state ready")] + times(3, get()),
    },
    "hdr-list-values": {
        "backend": ["balance hdr(X-User)"],
        "servers": ["s1", "s2", "s3", "s4", "s5"],
        "steps": [get(x_user=v) for v in ["a", "a,b", "a, b", "b", "b,a", "c", "c,,d", "d", "e", "e,f,g",
                                          "user1", "user1,user2", "x y", "x y, z"]],
    },
    "first-maxconn-held": {
        "backend": ["balance first"],
        "servers": ["s1 maxconn 2", "s2 maxconn 2", "s3 maxconn 3"],
        "steps": [hold(), hold(), hold(), get(), hold(), release(0), get(), hold(), release(2), release(1),
                  hold(), hold(), hold(), get()],
    },
    "leastconn-held": {
        "backend": ["balance leastconn"],
        "servers": ["s1 weight 2", "s2", "s3"],
        "steps": [hold(), hold(), hold(), hold(), hold(), release(1), hold(), release(0), release(3), hold(),
                  hold(), get(), get(), release(4), hold(), hold()],
    },
    "roundrobin-maxconn-held": {
        "backend": ["balance roundrobin"],
        "servers": ["s1 weight 3 maxconn 1", "s2 maxconn 2", "s3"],
        "steps": [hold(), get(), get(), get(), hold(), get(), get(), release(0), get(), get(), get(),
                  release(1), get(), get(), get(), get()],
    },
    "static-rr-maxconn-held": {
        "backend": ["balance static-rr"],
        "servers": ["s1 weight 2 maxconn 1", "s2", "s3"],
        "steps": [hold(), get(), get(), get(), get(), release(0), get(), get(), get(), get()],
    },
    "consistent-walk-maxconn-held": {
        "backend": ["balance hdr(X-User)", "hash-type consistent"],
        "servers": ["s1 maxconn 1", "s2 maxconn 1", "s3 maxconn 2", "s4 maxconn 1"],
        "steps": [hold(), hold(), get(), hold(), get(x_user="u1"), hold(), release(1), get(), hold(), get(),
                  release(0), release(3), hold(), get(), get(), get()],
    },
    "map-walk-maxconn-held": {
        "backend": ["balance hdr(X-User)"],
        "servers": ["s1 maxconn 1 weight 2", "s2 maxconn 1", "s3 maxconn 2"],
        "steps": [hold(), hold(), get(), hold(), release(0), get(), hold(), get(), get(), release(2), get(),
                  get()],
    },
}


def write_config(path, name, scenario, ports, fe_port, sock):
    lines = [
        "global",
        "    stats socket %s level admin" % sock,
        "",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        "    timeout client 5s",
        "    timeout server 5s",
        "",
        "frontend fe",
        "    bind 127.0.0.1:%d" % fe_port,
        "    default_backend be",
        "",
        "backend be",
    ]
    lines += ["    " + l for l in scenario["backend"]]
    for spec, port in zip(scenario["servers"], ports):
        name_, *rest = spec.split(" ")
        lines.append("    server %s 127.0.0.1:%d%s" % (name_, port, (" " + " ".join(rest)) if rest else ""))
    with open(path, "w") as f:
        f.write("# capture-picks.py scenario '%s' (HAProxy 2.6.12)\n" % name)
        f.write("\n".join(lines) + "\n")


def stats_command(sock, text):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(sock)
        s.sendall(text.encode() + b"\n")
        out = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    reply = out.decode().strip()
    if reply:
        raise RuntimeError("'%s' replied: %s" % (text, reply))


def wait_sessions(sock, server, expected, deadline_s=5.0):
    """Polls `show stat` until the server's current sessions (scur) are `expected`."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(sock)
            s.sendall(b"show stat\n")
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        for line in out.decode().splitlines():
            fields = line.split(",")
            if len(fields) > 4 and fields[0] == "be" and fields[1] == server and int(fields[4]) == expected:
                return
        time.sleep(0.01)
    raise RuntimeError("%s did not get back to %d sessions" % (server, expected))


def request(fe_port, method, uri, src, headers):
    conn = http.client.HTTPConnection("127.0.0.1", fe_port, timeout=5,
                                      source_address=(src, 0) if src else None)
    try:
        conn.putrequest(method, uri, skip_host=True, skip_accept_encoding=True)
        if "host" not in {k.lower() for k in headers}:
            conn.putheader("Host", "127.0.0.1")
        for k, v in headers.items():
            if v != "":
                conn.putheader(k, v)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError("%s %s: status %d" % (method, uri, response.status))
        return body
    finally:
        conn.close()


def describe(method, uri, src, headers):
    parts = ["pick", method, uri]
    if src:
        parts.append("src=" + src)
    for k, v in headers.items():
        if v != "":
            parts.append("hdr:%s=%s" % (k, v.replace("%", "%25").replace(" ", "%20")))
    return " ".join(parts)


def wait_listening(port, proc, deadline_s=10.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("haproxy exited with %d" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("haproxy did not listen on %d within %.0f s" % (port, deadline_s))


def capture(name, scenario):
    names = [spec.split(" ")[0] for spec in scenario["servers"]]
    backends = [start_server(n) for n in names]
    ports = [b.server_address[1] for b in backends]
    fe_port = free_port()
    tmp = tempfile.mkdtemp(prefix="haprobe-picks-")
    sock = os.path.join(tmp, "admin.sock")
    cfg = os.path.join(HERE, name + ".cfg")
    write_config(cfg, name, scenario, ports, fe_port, sock)
    proc = subprocess.Popen([HAPROXY, "-db", "-f", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out = []
    try:
        wait_listening(fe_port, proc)
        held = []  # (server, thread) per held request
        for step in scenario["steps"]:
            if step[0] == "cmd":
                stats_command(sock, step[1])
                out.append("cmd " + step[1])
            elif step[0] == "hold":
                thread = threading.Thread(target=request, args=(fe_port, "GET", "/", None, {"X-Hold": "1"}),
                                          daemon=True)
                thread.start()
                server, release_event = ARRIVALS.get(timeout=5)
                held.append((server, release_event, thread))
                out.append("hold GET / -> " + server)
            elif step[0] == "release":
                server, release_event, thread = held[step[1]]
                release_event.set()
                thread.join(5)
                still = sum(1 for h in held if h[0] == server and not h[1].is_set())
                wait_sessions(sock, server, still)
                out.append("release %d" % step[1])
            else:
                method, uri, src, headers = step
                server = request(fe_port, method, uri, src, headers)
                out.append(describe(method, uri, src, headers) + " -> " + server)
                # the next pick must not race HAProxy's release of this one
                wait_sessions(sock, server, sum(1 for h in held if h[0] == server and not h[1].is_set()))
        for server, release_event, thread in held:
            release_event.set()
            thread.join(5)
    finally:
        proc.kill()  # this PID only
        proc.wait()
        for b in backends:
            b.shutdown()
            b.server_close()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(tmp)
    with open(os.path.join(HERE, name + ".picks"), "w") as f:
        f.write("# captured from %s\n" % subprocess.run([HAPROXY, "-v"], capture_output=True, text=True)
                .stdout.splitlines()[0])
        f.write("\n".join(out) + "\n")
    print("%s: %d steps" % (name, len(out)))


def main(names):
    for name in names or SCENARIOS:
        capture(name, SCENARIOS[name])


if __name__ == "__main__":
    main(sys.argv[1:])
