"""A real SMTP server for the tests (aiosmtpd): it stores every message it accepts as
<dir>/<n>.eml, can refuse the first N messages with 451 (try again later), and can hang on
the first message for S seconds before refusing it (a sender killed meanwhile).

    python3 smtp_catcher.py <dir> <port> [refuse-first-n] [hang-first-secs]
"""
import asyncio
import sys
from pathlib import Path

from aiosmtpd.controller import Controller


class Catcher:
    def __init__(self, directory: Path, refuse: int, hang: float):
        self.directory = directory
        self.refuse = refuse
        self.hang = hang
        self.seen = 0
        self.stored = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == 1 and self.hang > 0:
            (self.directory / "hanging").write_text("1")
            await asyncio.sleep(self.hang)
            return "451 4.3.0 hung up on (the sender was meant to be gone by now)"
        if self.seen <= self.refuse:
            return "451 4.3.0 try again later (refusal %d of %d)" % (self.seen, self.refuse)
        self.stored += 1
        name = self.directory / ("%04d.eml" % self.stored)
        tmp = name.with_suffix(".tmp")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(name)
        return "250 2.0.0 stored as %s" % name.name


def main():
    directory = Path(sys.argv[1])
    port = int(sys.argv[2])
    refuse = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    hang = float(sys.argv[4]) if len(sys.argv) > 4 else 0
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Catcher(directory, refuse, hang), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
