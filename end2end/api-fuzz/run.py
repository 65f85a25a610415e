#!/usr/bin/env python3
"""Schemathesis against a real sayr: every operation of the OpenAPI document, fed valid
and invalid input it generates from the document, with every check it has
(`[checks] enabled = true` in schemathesis.toml). A response the document does not describe, a 5xx, a body or header that does not
match its schema, invalid input accepted or valid input refused: each fails the run.

It starts the server binary (SAYR_BIN) on a fresh SQLite data dir with the limits off,
signs up a verified user with an API key, and gives it a public org with a label, a
category, a task and a comment, so that paths naming `fuzz` and task 1 reach real rows. The run is
bounded (SAYR_FUZZ_EXAMPLES cases per operation and phase, a fixed seed, and at most
SAYR_FUZZ_TIMEOUT seconds, 600 by default) so that `make test` stays quick; raise it to look harder: `SAYR_FUZZ_EXAMPLES=200 make api-fuzz`.
"""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base):
        self.base = base
        self.headers = {"origin": base}

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        for k, v in self.headers.items():
            req.add_header(k, v)
        if data is not None:
            req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req) as res:
                status, raw, headers = res.status, res.read(), res.headers
        except urllib.error.HTTPError as e:
            status, raw, headers = e.code, e.read(), e.headers
        if status not in expect:
            sys.exit(f"setup: {method} {path} answered {status}: {raw[:300]!r}")
        return (json.loads(raw) if raw else None), headers


def seed(base, data_dir):
    """A verified user with an API key, and an org `fuzz` with one of everything."""
    c = Client(base)
    _, headers = c.call("POST", "/api/auth/signup",
                        {"email": "fuzz@example.test", "name": "Fuzz", "password": "correct horse battery"})
    token = headers["set-cookie"].split("sayr_session=", 1)[1].split(";", 1)[0]
    c.headers["cookie"] = f"sayr_session={token}"
    for _ in range(150):
        mails = [json.load(open(f)) for f in glob.glob(os.path.join(data_dir, "outbox", "*.json"))]
        if mails:
            break
        time.sleep(0.1)
    link = next(m["text"] for m in mails if "Confirm" in m["subject"])
    code = link.split("verify-email?token=", 1)[1].split()[0].rstrip(".>)")
    c.call("POST", "/api/auth/verify-email", {"token": code})
    key, _ = c.call("POST", "/api/v1/me/api-keys", {"name": "schemathesis"})
    c.call("POST", "/api/v1/orgs", {"name": "Fuzz", "slug": "fuzz", "shortId": "FZ"})
    # Public, so that an anonymous caller is told 401 by members-only operations (a
    # private org is 404 to them) and may use the public ones.
    c.call("PATCH", "/api/v1/orgs/fuzz", {"settings": {"publicPage": True, "publicActions": True}})
    # The org whose settings the run changes (schemathesis.toml).
    c.call("POST", "/api/v1/orgs", {"name": "Settings", "slug": "fuzz-settings", "shortId": "FS"})
    c.call("POST", "/api/v1/orgs/fuzz/labels", {"name": "bug", "color": "#ff0000"})
    c.call("POST", "/api/v1/orgs/fuzz/categories", {"name": "Ideas", "color": "#00aa00"})
    c.call("POST", "/api/v1/orgs/fuzz/tasks", {"title": "First task", "visibility": "public"})
    c.call("POST", "/api/v1/orgs/fuzz/tasks/1/comments", {"body": "A comment"})
    return key["key"]


def main():
    binary = os.environ.get("SAYR_BIN") or sys.exit("SAYR_BIN: the sayr binary to test")
    data_dir = tempfile.mkdtemp(prefix="sayr-fuzz-")
    port = free_port()
    # A host name, not an address: passkeys (WebAuthn) take no IP address as the instance's
    # host, and its ceremonies answer 503 there.
    base = f"http://localhost:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAYR_") and k != "DATABASE_URL"}
    env.update(SAYR_DATA_DIR=data_dir, SAYR_ADDR=f"127.0.0.1:{port}", SAYR_LIMITS="off",
               SAYR_LOG=os.environ.get("SAYR_LOG", "error"), SAYR_PUBLIC_URL=base)
    server = subprocess.Popen([binary, "serve"], env=env)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz")
                break
            except OSError:
                if server.poll() is not None:
                    sys.exit("sayr exited during start-up")
                time.sleep(0.1)
        key = seed(base, data_dir)
        examples = os.environ.get("SAYR_FUZZ_EXAMPLES", "5")
        cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(HERE, "schemathesis.toml"), "run",
               f"{base}/api/v1/openapi.json", "--url", base, "--max-examples", examples,
               "--seed", os.environ.get("SAYR_FUZZ_SEED", "1"), "--workers", "1",
               "--header", f"Authorization: Bearer {key}", "--header", f"Origin: {base}"]
        cmd += sys.argv[1:]
        print("$", " ".join(c if "Bearer" not in c else "Authorization: Bearer …" for c in cmd), flush=True)
        # Bounded in time as well as in cases: a run that hangs fails instead of holding CI.
        limit = int(os.environ.get("SAYR_FUZZ_TIMEOUT", "600"))
        try:
            return subprocess.call(cmd, timeout=limit)
        except subprocess.TimeoutExpired:
            print(f"schemathesis did not finish within {limit} s", file=sys.stderr)
            return 1
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
