"""Sign-in under a flood of wrong guesses (bench/login.sh): GUESSES concurrent wrong
sign-ins, each from its own forwarded address (the server trusts 127.0.0.1 as a proxy) so
that the throttle's per-address count does not stop them first, while one correct sign-in
of another account is timed every 100 ms. The correct sign-in carries its device cookie (from its sign-up), as the owner's browser
would. Prints the correct sign-ins' p50/p99/max, the
guesses' answers by status, and the server's peak RSS."""

import http.client
import json
import sys
import threading
import time

port, pid, guesses = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
device = sys.argv[4] if len(sys.argv) > 4 else ""


def post(path, body, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {"content-type": "application/json"}
    h.update(headers or {})
    conn.request("POST", path, json.dumps(body), h)
    res = conn.getresponse()
    res.read()
    conn.close()
    return res.status


def rss_peak_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


statuses = {}
lock = threading.Lock()
start = threading.Event()


def guess(i):
    start.wait()
    s = post(
        "/api/auth/login",
        {"email": f"nobody{i}@example.test", "password": f"guess {i}"},
        {"x-forwarded-for": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"},
    )
    with lock:
        statuses[s] = statuses.get(s, 0) + 1


rss_before = rss_peak_kib()
threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
for t in threads:
    t.start()
timings = []
start.set()
t0 = time.monotonic()
while any(t.is_alive() for t in threads) or len(timings) < 5:
    a = time.monotonic()
    s = post("/api/auth/login", {"email": "ada@example.test", "password": "correct horse battery"},
             {"x-forwarded-for": "192.0.2.1", "cookie": device})
    timings.append((time.monotonic() - a) * 1000)
    assert s == 200, f"the correct sign-in answered {s}"
    time.sleep(0.1)
flood = time.monotonic() - t0
for t in threads:
    t.join()
timings.sort()
p = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]
print(f"guesses: {guesses} in {flood:.1f} s, answers {dict(sorted(statuses.items()))}")
print(f"correct sign-in during the flood (n={len(timings)}): p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, max {timings[-1]:.0f} ms")
print(f"server peak RSS: {rss_before // 1024} MiB before, {rss_peak_kib() // 1024} MiB after")
