"""A terminal application driven as a user drives it: spawned in a pseudo-terminal of a fixed size, keys
written to it, and the time until a given text is drawn on the terminal.

What is timed is what a user sees: from the moment the keys are written until the screen shows the text
that answers them (the whole process: input parsing, the app's work, rendering, the terminal output).
A text is looked for in the output since the keys were written, so choose one drawn in one style run
(Textual writes a run of one style as one piece of text).
"""

from __future__ import annotations

import os
import select
import time
from collections.abc import Sequence

SIZE = (120, 36)
KEYS = {"enter": b"\r", "escape": b"\x1b", "ctrl+p": b"\x10", "ctrl+q": b"\x11", "ctrl+u": b"\x15",
        "end": b"\x1b[F", "backspace": b"\x7f"}


def shown_text(output: bytes) -> str:
    """The text in terminal output, without its escape sequences (for messages)."""
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b.", " ", output.decode("utf-8", "replace"))
    return re.sub(r" {2,}", " ", text)


class PtyApp:
    """One process in a pseudo-terminal; ``wait_for`` reads its output until a text appears."""

    def __init__(self, cmd: Sequence[str], *, size: tuple[int, int] = SIZE, env: dict[str, str] | None = None) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the command, as a user's terminal runs it
            os.environ.update({"TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1]),
                               **(env or {})})
            os.execv(cmd[0], list(cmd))
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.pid, self.fd = pid, fd
        self.seen = b""  # the output since the last send (or wait)
        self.cmd = cmd

    def send(self, *keys: str) -> float:
        """Write keys (names in KEYS, or text typed as is); returns the time they were written."""
        self.drain()
        self.seen = b""
        data = b"".join(KEYS.get(k, k.encode()) for k in keys)
        t = time.perf_counter()
        os.write(self.fd, data)
        return t

    def type_slowly(self, text: str, gap_s: float) -> float:
        """Type ``text`` one character at a time, ``gap_s`` apart; returns when the last one was written."""
        t = 0.0
        for i, ch in enumerate(text):
            if i:
                self.sleep(gap_s)
            t = self.send(ch)
        return t

    def cpu_s(self) -> float:
        """CPU time (user + system) the process has used so far (Linux; 0 elsewhere): what a busy shared
        machine does not inflate, printed beside the wall time of an action."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def drain(self) -> None:
        """Read (and forget) what is already on the terminal."""
        while select.select([self.fd], [], [], 0)[0]:
            try:
                if not os.read(self.fd, 65536):
                    return
            except OSError:
                return

    def sleep(self, seconds: float) -> None:
        """Wait while reading the output (so that the app never blocks on a full terminal)."""
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                self.seen = self.seen[-4000:] + chunk

    def wait_for(self, text: str, *, timeout: float = 60.0) -> float:
        """The time ``text`` appeared in the output since the last send (it may already have)."""
        mark = text.encode()
        deadline = time.perf_counter() + timeout
        while mark not in self.seen:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SystemExit(f"{' '.join(self.cmd)}: {text!r} did not appear within {timeout:.0f} s; the"
                                 f" terminal showed last:\n{shown_text(self.seen)[-1500:]}")
            if not select.select([self.fd], [], [], min(left, 0.05))[0]:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError as exc:
                raise SystemExit(f"{' '.join(self.cmd)} ended before {text!r} appeared") from exc
            if not chunk:
                raise SystemExit(f"{' '.join(self.cmd)} ended before {text!r} appeared")
            self.seen = self.seen[-4000:] + chunk
        return time.perf_counter()

    def close(self) -> None:
        """ctrl+q (then a confirmation, if the app asks one), and wait for the process to end."""
        try:
            os.write(self.fd, KEYS["ctrl+q"])
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
                self.sleep(0.1)
            else:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
