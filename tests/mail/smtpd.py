"""A real SMTP server on 127.0.0.1 for servicer's mail tests (aiosmtpd).

Usage: smtpd.py DIR [--tls CERT KEY] [--auth USER:PASSWORD]
                    [--rcpt ADDR=CODE TEXT]... [--drop-in-data]
Listens on a free port, writes it to DIR/port, and writes each message it
accepts to DIR/NNN.eml, and one line per connection to DIR/connections.
--drop-in-data answers DATA with 354, reads part of the message and hangs
up without accepting it.
"""
import argparse
import asyncio
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, out, rcpt_replies):
        self.out = out
        self.rcpt_replies = rcpt_replies
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.out, "%03d.eml" % self.count)
        with open(path, "wb") as f:
            f.write(envelope.original_content)
        with open(path + ".env", "w") as f:
            f.write("%s\n%s\n" % (envelope.mail_from, " ".join(envelope.rcpt_tos)))
        return "250 2.0.0 queued as %03d" % self.count


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        with open(os.path.join(self.event_handler.out, "connections"), "a") as f:
            f.write("connect\n")
        super().connection_made(transport)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def drop_in_data(out, port):
    """Speak just enough SMTP to take a message, then hang up in its middle."""
    async def serve(reader, writer):
        with open(os.path.join(out, "connections"), "a") as f:
            f.write("connect\n")
        writer.write(b"220 localhost ESMTP\r\n")
        while True:
            line = await reader.readline()
            if not line:
                break
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                writer.write(b"250-localhost\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                await reader.read(200)
                writer.close()
                return
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(serve, "127.0.0.1", port)
        with open(os.path.join(out, "port"), "w") as f:
            f.write(str(port))
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--tls", nargs=2)
    p.add_argument("--auth")
    p.add_argument("--rcpt", action="append", default=[])
    p.add_argument("--drop-in-data", action="store_true")
    a = p.parse_args()
    port = free_port()
    if a.drop_in_data:
        drop_in_data(a.dir, port)
        return
    replies = {}
    for r in a.rcpt:
        addr, reply = r.split("=", 1)
        replies[addr] = reply
    handler = Handler(a.dir, replies)
    kw = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        kw["tls_context"] = ctx
        kw["require_starttls"] = True
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        kw["authenticator"] = authenticator
        kw["auth_required"] = True
        kw["auth_require_tls"] = bool(a.tls)

    class MyController(Controller):
        def factory(self):
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    c = MyController(handler, hostname="127.0.0.1", port=port, **kw)
    c.start()
    with open(os.path.join(a.dir, "port"), "w") as f:
        f.write(str(port))
    try:
        threading.Event().wait()
    finally:
        c.stop()


if __name__ == "__main__":
    sys.exit(main())
