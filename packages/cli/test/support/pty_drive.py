#!/usr/bin/env python3
"""Runs a command under a pseudo-terminal, types answers when prompts appear, and prints what the terminal showed.

Usage: pty_drive.py <prompt> <answer> [<prompt> <answer> ...] -- <argv...>

The command is exec'd directly (no shell). Each answer is typed (followed by Enter) once its prompt text has
appeared in the output since the previous answer. Exit status: the command's; 124 on a 60 s timeout.
"""
import os
import pty
import select
import signal
import sys
import time


def main() -> int:
    sep = sys.argv.index("--")
    pairs = sys.argv[1:sep]
    argv = sys.argv[sep + 1 :]
    pending = list(zip(pairs[::2], pairs[1::2]))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = b""
    since = 0
    deadline = time.time() + 60
    timed_out = False
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if pending and pending[0][0].encode() in out[since:]:
            os.write(fd, (pending[0][1] + "\r").encode())
            since = len(out)
            pending.pop(0)
        if time.time() > deadline:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return 124 if timed_out else os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
