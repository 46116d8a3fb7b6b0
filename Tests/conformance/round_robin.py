"""A per-request round-robin forwarder in front of several `clickbridge serve` instances.

Clients keep their connections alive, so a TCP-level balancer would pin each client to one
instance. This one reads each request's head and body framing and hands every request to the next
instance in turn, on a new upstream connection with `Connection: close`, and relays the bytes
unchanged otherwise (Host included, so SigV4 still verifies). Anything it cannot frame (a
malformed or oversized head, which the limit tests send on purpose) is tunnelled as raw bytes to
the next instance for the rest of that connection, so the instance, not the forwarder, answers it.
"""
from __future__ import annotations

import socket
import threading

MAX_HEAD = 64 * 1024  # beyond this the head goes through untouched, for the instance to refuse


class _Reader:
    """Buffered reads from a socket, keeping what has been read for a raw fallback."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def take(self, n: int) -> bytes:
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out


def _headers(head: bytes) -> dict[str, str]:
    out = {}
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            out[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return out


class RoundRobin:
    """Listens on a free loopback port; `backends()` gives the instances' current (host, port)s,
    read per request so that a restarted instance on a new port is picked up."""

    def __init__(self, backends):
        self.backends = backends
        self.lock = threading.Lock()
        self.turn = 0
        self.answered: dict[int, int] = {}  # instance index -> responses it sent back
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        self.listener.close()

    def _next(self) -> int:
        with self.lock:
            index = self.turn % len(self.backends())
            self.turn += 1
            return index

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        reader = _Reader(client)
        try:
            while self._one_request(client, reader):
                pass
        except OSError:
            pass
        finally:
            client.close()

    def _one_request(self, client: socket.socket, reader: _Reader) -> bool:
        """Forwards one request and its answer; False when the client connection is done."""
        while b"\r\n\r\n" not in reader.buffer:
            if len(reader.buffer) > MAX_HEAD:
                self._tunnel(client, reader)
                return False
            if not reader.fill():
                return False
        end = reader.buffer.index(b"\r\n\r\n")
        head = reader.take(end + 4)[:-4]
        headers = _headers(head)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            length = -1
        if length < 0 or (chunked and "content-length" in headers):
            reader.buffer = head + b"\r\n\r\n" + reader.buffer
            self._tunnel(client, reader)
            return False
        client_closes = headers.get("connection", "").lower() == "close"
        lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
        upstream_head = b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n"

        index = self._next()
        upstream = socket.create_connection(self.backends()[index], timeout=60)
        answer = threading.Thread(target=self._relay_answer, args=(upstream, client, index, head), daemon=True)
        try:
            upstream.sendall(upstream_head)
            answer.start()
            whole = self._relay_body(reader, upstream, chunked, length)
        except OSError:
            whole = False  # the instance answered early and closed, or went away
        answer.join()
        upstream.close()
        return whole and not client_closes and not getattr(answer, "closes", False)

    def _relay_body(self, reader: _Reader, upstream: socket.socket, chunked: bool, length: int) -> bool:
        if not chunked:
            while len(reader.buffer) < length:
                if not reader.fill():
                    return False
            upstream.sendall(reader.take(length))
            return True
        while True:  # chunk-size line, data, CRLF ... until the last chunk and its trailers
            while b"\r\n" not in reader.buffer:
                if not reader.fill():
                    return False
            line_end = reader.buffer.index(b"\r\n")
            size = int(reader.buffer[:line_end].split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while b"\r\n\r\n" not in reader.buffer[line_end:]:
                    if not reader.fill():
                        return False
                trailer_end = reader.buffer.index(b"\r\n\r\n", line_end) + 4
                upstream.sendall(reader.take(trailer_end))
                return True
            need = line_end + 2 + size + 2
            while len(reader.buffer) < need:
                if not reader.fill():
                    return False
            upstream.sendall(reader.take(need))

    def _relay_answer(self, upstream: socket.socket, client: socket.socket, index: int, request_head: bytes) -> None:
        """Everything the instance sends, until it closes (it was asked to). The client must be
        closed too when the answer is delimited by that close or says so itself."""
        me = threading.current_thread()
        seen = b""
        counted = False
        try:
            while chunk := upstream.recv(65536):
                if not counted:
                    seen += chunk
                    final = self._final_head(seen)
                    if final is not None:
                        counted = True
                        self._count(index)
                        me.closes = self._answer_closes(final, request_head)
                client.sendall(chunk)
        except OSError:
            me.closes = True
        if not counted:
            me.closes = True  # no answer at all: the client sees the connection close

    def _count(self, index: int) -> None:
        with self.lock:
            self.answered[index] = self.answered.get(index, 0) + 1

    @staticmethod
    def _final_head(seen: bytes) -> bytes | None:
        """The first head that is not an interim 1xx (100 Continue), once it is complete."""
        while b"\r\n\r\n" in seen:
            head, _, seen = seen.partition(b"\r\n\r\n")
            if not head.split(b" ", 2)[1:2] or not head.split(b" ", 2)[1].startswith(b"1"):
                return head
        return None

    @staticmethod
    def _answer_closes(final: bytes, request_head: bytes) -> bool:
        headers = _headers(final)
        if headers.get("connection", "").lower() == "close":
            return True
        status = final.split(b" ", 2)[1] if b" " in final else b""
        framed = "content-length" in headers or "chunked" in headers.get("transfer-encoding", "").lower()
        return not framed and status not in (b"204", b"304") and not request_head.startswith(b"HEAD ")

    def _tunnel(self, client: socket.socket, reader: _Reader) -> None:
        index = self._next()
        upstream = socket.create_connection(self.backends()[index], timeout=60)
        self._count(index)

        def back():
            try:
                while chunk := upstream.recv(65536):
                    client.sendall(chunk)
            except OSError:
                pass
            try:
                client.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        t = threading.Thread(target=back, daemon=True)
        t.start()
        try:
            upstream.sendall(reader.take(len(reader.buffer)))
            while chunk := client.recv(65536):
                upstream.sendall(chunk)
            upstream.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        t.join()
        upstream.close()
