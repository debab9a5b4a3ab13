"""A real SMTP server on 127.0.0.1 for servicer's mail tests (aiosmtpd).

Usage: smtpd.py DIR [--tls CERT KEY] [--auth USER:PASSWORD]
                    [--rcpt ADDR=CODE TEXT]...
                    [--drop-in-data | --drop-after-data | --stall-after-data]
Listens on a free port, writes it to DIR/port, and writes each message it
accepts to DIR/NNN.eml (its envelope to DIR/NNN.eml.env), and one line per
connection to DIR/connections.  --rcpt answers RCPT TO:<ADDR> with the
reply given.  The misbehaving servers speak just enough SMTP by hand:
--drop-in-data answers DATA with 354, reads part of the message and hangs
up; --drop-after-data reads the whole message, keeps it, and hangs up
without a reply; --stall-after-data keeps it and never replies.
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


class RawServer:
    """SMTP by hand, for the ways a server can fail after DATA."""

    def __init__(self, out, port, mode, rcpt_replies):
        self.out, self.port, self.mode = out, port, mode
        self.rcpt_replies = rcpt_replies
        self.count = 0

    def keep(self, mail_from, rcpts, lines):
        self.count += 1
        path = os.path.join(self.out, "%03d.eml" % self.count)
        body = b"".join(l[1:] if l.startswith(b"..") else l for l in lines)
        with open(path + ".env", "w") as f:
            f.write("%s\n%s\n" % (mail_from, " ".join(rcpts)))
        # Written last, under its final name at once: a test waits for it.
        with open(path + ".tmp", "wb") as f:
            f.write(body)
        os.rename(path + ".tmp", path)

    async def data(self, reader, writer, mail_from, rcpts):
        writer.write(b"354 go ahead\r\n")
        await writer.drain()
        if self.mode == "drop-in-data":
            await reader.read(200)
            return False
        lines = []
        while True:
            line = await reader.readline()
            if not line:
                return False
            if line == b".\r\n":
                break
            lines.append(line)
        self.keep(mail_from, rcpts, lines)
        if self.mode == "stall-after-data":
            await asyncio.sleep(3600)
        return False

    async def serve(self, reader, writer):
        with open(os.path.join(self.out, "connections"), "a") as f:
            f.write("connect\n")
        writer.write(b"220 localhost ESMTP\r\n")
        mail_from, rcpts = "", []
        while True:
            line = await reader.readline()
            if not line:
                break
            verb = line[:4].upper()
            arg = line[line.find(b":") + 1:].strip().strip(b"<>").decode()
            if verb in (b"EHLO", b"HELO"):
                writer.write(b"250-localhost\r\n250 8BITMIME\r\n")
            elif verb == b"MAIL":
                mail_from, rcpts = arg, []
                writer.write(b"250 OK\r\n")
            elif verb == b"RCPT":
                reply = self.rcpt_replies.get(arg)
                if reply is None:
                    rcpts.append(arg)
                    reply = "250 OK"
                writer.write(reply.encode() + b"\r\n")
            elif verb == b"DATA":
                if not await self.data(reader, writer, mail_from, rcpts):
                    break
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    def run(self):
        async def main():
            server = await asyncio.start_server(self.serve, "127.0.0.1", self.port)
            with open(os.path.join(self.out, "port"), "w") as f:
                f.write(str(self.port))
            async with server:
                await server.serve_forever()

        asyncio.run(main())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--tls", nargs=2)
    p.add_argument("--auth")
    p.add_argument("--rcpt", action="append", default=[])
    for mode in ("drop-in-data", "drop-after-data", "stall-after-data"):
        p.add_argument("--" + mode, dest="mode", action="store_const", const=mode)
    a = p.parse_args()
    port = free_port()
    replies = {}
    for r in a.rcpt:
        addr, reply = r.split("=", 1)
        replies[addr] = reply
    if a.mode:
        RawServer(a.dir, port, a.mode, replies).run()
        return
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
