"""The second attack's cases (issue 19): each test writes its input, runs what a user runs, and
checks what must hold after; each is bounded in time (a case that hangs fails, it does not stall
``make test``)."""
import signal

import pytest

CASE_SECONDS = 90


@pytest.fixture(autouse=True)
def bounded_in_time():
    def expired(signum, frame):
        raise TimeoutError(f"an attack case took over {CASE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(CASE_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
