"""A minimal memcached text-protocol client for the bench scripts: pipelined gets, noreply sets, stats."""
import socket


class Client:
    """One TCP connection to a memcached-compatible server, with a receive buffer."""

    def __init__(self, host, port, timeout=60.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def line(self):
        """The next line without its CRLF."""
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                out = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return out
            self._fill()

    def read(self, n):
        """The next n bytes."""
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def skip(self, n):
        """Drops the next n bytes."""
        while len(self.buf) < n:
            self._fill()
        del self.buf[:n]

    def stats(self):
        """The 'stats' reply as a dict of strings."""
        self.send(b"stats\r\n")
        out = {}
        while True:
            ln = self.line()
            if ln == b"END":
                return out
            parts = ln.split(b" ", 2)
            if parts[0] != b"STAT" or len(parts) < 3:
                raise RuntimeError("unexpected stats line: %r" % ln)
            out[parts[1].decode()] = parts[2].decode()

    def get_many(self, keys):
        """Pipelines one 'get' per key; returns a list of booleans, True for a hit."""
        self.send(b"".join(b"get " + k + b"\r\n" for k in keys))
        hits = []
        for _ in keys:
            hit = False
            while True:
                ln = self.line()
                if ln == b"END":
                    break
                if ln.startswith(b"VALUE "):
                    self.skip(int(ln.split(b" ")[3]) + 2)
                    hit = True
                else:
                    raise RuntimeError("unexpected get reply: %r" % ln)
            hits.append(hit)
        return hits

    def set_noreply(self, keys, value):
        """Pipelines 'set key 0 0 len noreply' for every key, without waiting."""
        head = b" 0 0 %d noreply\r\n" % len(value)
        tail = value + b"\r\n"
        self.send(b"".join(b"set " + k + head + tail for k in keys))

    def sync(self):
        """Waits until the server has processed everything sent so far (a round trip with 'version')."""
        self.send(b"version\r\n")
        ln = self.line()
        if not ln.startswith(b"VERSION"):
            raise RuntimeError("unexpected version reply: %r" % ln)
