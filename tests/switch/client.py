#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Small clients for the lab switch tests; every wait is bounded.

  client.py kasa HOST PORT JSON...       send each JSON request on one connection
                                         (legacy Kasa framing and XOR cipher) and
                                         print each decrypted answer on a line
  client.py kasa-frame HOST PORT HEX     send raw bytes, expect the server to close
                                         without answering
  client.py raw HOST PORT                send stdin as is, print what comes back
                                         until the server closes

Options: --timeout S (default 5). Exit status: 0 success, 2 cannot connect,
3 short or undecodable answer, 4 timed out, 5 the server answered when it
should not have.
"""
import argparse
import json
import socket
import struct
import sys
import time


def encrypt(data: bytes) -> bytes:
    key, out = 171, bytearray()
    for b in data:
        key ^= b
        out.append(key)
    return bytes(out)


def decrypt(data: bytes) -> bytes:
    key, out = 171, bytearray()
    for b in data:
        out.append(key ^ b)
        key = b
    return bytes(out)


def connect(host, port, timeout):
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        print(f"cannot connect: {e}", file=sys.stderr)
        sys.exit(2)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def cmd_kasa(args):
    sock = connect(args.host, args.port, args.timeout)
    try:
        for request in args.json:
            payload = request.encode()
            sock.sendall(struct.pack(">I", len(payload)) + encrypt(payload))
            header = recv_exact(sock, 4)
            if len(header) < 4:
                print(f"short header: {header!r}", file=sys.stderr)
                return 3
            (length,) = struct.unpack(">I", header)
            if length > 65536:
                print(f"implausible length {length}", file=sys.stderr)
                return 3
            body = recv_exact(sock, length)
            if len(body) < length:
                print(f"short answer: {len(body)} of {length} bytes", file=sys.stderr)
                return 3
            text = decrypt(body).decode("utf-8", "replace")
            try:
                json.loads(text)
            except ValueError:
                print(f"not JSON: {text!r}", file=sys.stderr)
                return 3
            print(text)
    except socket.timeout:
        print("timed out", file=sys.stderr)
        return 4
    finally:
        sock.close()
    return 0


def cmd_kasa_frame(args):
    sock = connect(args.host, args.port, args.timeout)
    try:
        sock.sendall(bytes.fromhex(args.hex))
        data = sock.recv(4096)
        if data:
            print(f"unexpected answer: {data!r}", file=sys.stderr)
            return 5
    except ConnectionResetError:
        pass
    except socket.timeout:
        print("timed out", file=sys.stderr)
        return 4
    finally:
        sock.close()
    return 0


def cmd_raw(args):
    sock = connect(args.host, args.port, args.timeout)
    data = sys.stdin.buffer.read()
    start = time.monotonic()
    answer = b""
    try:
        sock.sendall(data)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    except ConnectionResetError:
        pass
    except socket.timeout:
        sys.stdout.buffer.write(answer)
        print(f"timed out after {time.monotonic() - start:.1f} s", file=sys.stderr)
        return 4
    finally:
        sock.close()
    sys.stdout.buffer.write(answer)
    print(f"closed after {time.monotonic() - start:.1f} s", file=sys.stderr)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=5.0)
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("kasa")
    k.add_argument("host")
    k.add_argument("port", type=int)
    k.add_argument("json", nargs="+")
    f = sub.add_parser("kasa-frame")
    f.add_argument("host")
    f.add_argument("port", type=int)
    f.add_argument("hex")
    r = sub.add_parser("raw")
    r.add_argument("host")
    r.add_argument("port", type=int)
    args = p.parse_args()
    return {"kasa": cmd_kasa, "kasa-frame": cmd_kasa_frame, "raw": cmd_raw}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
