"""A real SMTP server for the test suite (aiosmtpd).

Two listeners on loopback: a plain one, and one that offers STARTTLS with a self-signed
certificate (the tests trust it explicitly through BKNTC_SMTP_CA_FILE). Both require AUTH
LOGIN/PLAIN with the user and password given, once TLS is up on the STARTTLS port. Every
accepted message is written as <n>.eml (the raw bytes as received, CRLF kept) with a .json
envelope beside it. Recipients whose local part is `unknown` are refused with 550 5.1.1 and
`busy` with 451, as real servers do.
"""
import argparse
import asyncio
import json
import os
import ssl
import itertools

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

counter = itertools.count(1)


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].strip("<").lower()
        if local == "unknown":
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local == "busy":
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        path = os.path.join(self.directory, "%06d" % n)
        # Each file appears whole (written, then renamed), the envelope last: a test reading
        # the folder while a message arrives sees all of it or nothing.
        with open(path + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(path + ".eml.tmp", path + ".eml")
        with open(path + ".json.tmp", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None, "peer": str(session.peer)}, f)
        os.rename(path + ".json.tmp", path + ".json")
        return "250 Message accepted"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=ok)
    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", default="mailer")
    parser.add_argument("--password", default="mailer-secret")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    plain = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.port,
                       authenticator=authenticator(args.user, args.password), auth_require_tls=False,
                       auth_required=True)
    tls = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.tls_port,
                     authenticator=authenticator(args.user, args.password), require_starttls=True,
                     tls_context=context, auth_required=True)
    plain.start()
    tls.start()
    print("smtp ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        plain.stop()
        tls.stop()


if __name__ == "__main__":
    main()
