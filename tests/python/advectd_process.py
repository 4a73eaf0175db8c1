"""advectd as a child process of a Python test, on a free loopback port.

Shared by the tests in this directory. The binary comes from --advectd PATH (see
take_advectd_argument) or $ADVECTD.
"""

import re
import signal
import subprocess
import threading

STARTUP_TIMEOUT = 10.0
STOP_TIMEOUT = 20.0


class AdvectdProcess:
    """advectd on a free loopback port; its output is drained by a thread (kept for failures)."""

    def __init__(self, binary, *flags):
        self.lines = []
        self._port_found = threading.Event()
        self.port = None
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--shutdown-grace-seconds", "2", *flags],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        if not self._port_found.wait(STARTUP_TIMEOUT) or self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("advectd did not report its port:\n" + self.output())

    def _drain(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self._port_found.set()
        self._port_found.set()  # EOF: unblock the waiter

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def output(self):
        return "".join(self.lines)

    def stop(self):
        """SIGTERM, then the exit code (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self._reader.join(5)
        self.proc.stdout.close()
        return code


def take_advectd_argument(argv):
    """Removes --advectd PATH (or --advectd=PATH) from argv; returns the path or None."""
    for i, arg in enumerate(argv):
        if arg == "--advectd" and i + 1 < len(argv):
            path = argv[i + 1]
            del argv[i:i + 2]
            return path
        if arg.startswith("--advectd="):
            del argv[i]
            return arg.split("=", 1)[1]
    return None
