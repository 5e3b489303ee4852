#!/usr/bin/python3
"""A throwaway SMTP server for the mail transport tests (tests/mail_transport.rs), started
by tests/mail-servers/harness.rs on loopback: STARTTLS required (a certificate made at test
time), AUTH PLAIN/LOGIN required with one user, each accepted message written to a
directory as N.eml (with N.json holding the envelope), atomically. A recipient whose local
part starts with "reject" is refused for good (550), to test permanent failures.

Usage: smtp_server.py PORT DIR CERT KEY USER PASSWORD [starttls|tls]
(tls: TLS from the first byte, as on port 465, instead of STARTTLS.)
Prints READY on stdout once it listens; stops on SIGTERM.
"""
import json
import logging
import os
import signal
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.directory, str(n))
        with open(base + ".json.tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)


def main():
    port, directory, cert, key, user, password = sys.argv[1:7]
    # A client refusing the certificate is a tested case, not an error worth a traceback.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mode = sys.argv[7] if len(sys.argv) > 7 else "starttls"
    # With TLS from the first byte aiosmtpd does not know the session is encrypted, so its
    # own "AUTH only over TLS" check is turned off there (the socket is TLS all the same).
    if mode == "tls":
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        security = {"ssl_context": context, "auth_require_tls": False}
    else:
        security = {"tls_context": context, "require_starttls": True}
    controller = Controller(
        Store(directory),
        hostname="127.0.0.1",
        port=int(port),
        authenticator=Authenticator(user, password),
        auth_required=True,
        ready_timeout=10,
        **security,
    )
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("READY", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
