#!/usr/bin/env python3
"""Listeners and connection probes for tests/firewall/run.

  probe.py serve READY-FILE TCP-PORTS UDP-PORTS
      listen on every address: accept TCP connections on each of
      TCP-PORTS and keep each open until its client closes it, echo
      datagrams on each of UDP-PORTS (comma-separated lists); create
      READY-FILE once every socket is bound, then serve until killed.

  probe.py probe TIMEOUT TARGET...
      try every TARGET at once, PROTO:ADDRESS:PORT[:SOURCE] (PROTO tcp or
      udp, SOURCE the local address to send from), each for at most
      TIMEOUT seconds; print "TARGET open" or "TARGET closed" per target,
      in the order given. A UDP target is open when it echoes.

  probe.py hold TIMEOUT READY-FILE ADDRESS:PORT
      connect over TCP, create READY-FILE, then wait at most TIMEOUT
      seconds for the server's side to end the connection; print "reset"
      (a TCP reset), "closed" (an orderly close) or "open" (neither came).
"""
import socket
import sys
import threading


def serve(ready, tcp_ports, udp_ports):
    socks = []
    for port in tcp_ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(128)
        socks.append(("tcp", s))
    for port in udp_ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
        socks.append(("udp", s))

    def hold_conn(conn):
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass
        conn.close()

    def tcp_loop(s):
        while True:
            conn, _ = s.accept()
            threading.Thread(target=hold_conn, args=(conn,), daemon=True).start()

    def udp_loop(s):
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(data, peer)

    threads = [threading.Thread(target=tcp_loop if kind == "tcp" else udp_loop, args=(s,), daemon=True)
               for kind, s in socks]
    for t in threads:
        t.start()
    with open(ready, "w") as f:
        f.write("ready\n")
    for t in threads:
        t.join()


def try_target(target, timeout, results, index):
    parts = target.split(":")
    proto, address, port = parts[0], parts[1], int(parts[2])
    source = parts[3] if len(parts) > 3 else None
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.settimeout(timeout)
    state = "closed"
    try:
        if source:
            s.bind((source, 0))
        if proto == "tcp":
            s.connect((address, port))
            state = "open"
        else:
            s.sendto(b"hasan-firewall-test", (address, port))
            data, _ = s.recvfrom(2048)
            if data == b"hasan-firewall-test":
                state = "open"
    except OSError:
        pass
    finally:
        s.close()
    results[index] = state


def probe(timeout, targets):
    results = [None] * len(targets)
    threads = [threading.Thread(target=try_target, args=(t, timeout, results, i))
               for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for target, state in zip(targets, results):
        print(f"{target} {state}")


def hold(timeout, ready, target):
    address, port = target.rsplit(":", 1)
    s = socket.create_connection((address, int(port)), timeout=5)
    with open(ready, "w") as f:
        f.write("connected\n")
    s.settimeout(timeout)
    try:
        state = "closed" if s.recv(4096) == b"" else "open"
    except ConnectionResetError:
        state = "reset"
    except socket.timeout:
        state = "open"
    s.close()
    print(state)


def ports(text):
    return [int(p) for p in text.split(",") if p]


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "serve" and len(sys.argv) == 5:
        serve(sys.argv[2], ports(sys.argv[3]), ports(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "hold":
        hold(float(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "probe":
        probe(float(sys.argv[2]), sys.argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
