"""Locust at a constant arrival rate, with latency measured from the intended send time.

Locust's users are a closed loop: a user waits for its answer before asking again, so a
slow server is simply asked less, and the waiting that real visitors would do in the queue
never shows in the numbers (coordinated omission). Here each of the users sends on a fixed
schedule (BENCH_RATE requests a second in all), and the «corrected» latency of a request
counts from when it *should* have been sent, as wrk2 does. When the server keeps up the
two are the same; when it falls behind, the corrected latency grows with the queue.

Environment: BENCH_PATH (the page), BENCH_COOKIE (a session cookie, optional), BENCH_RATE
(requests a second over all users), BENCH_USERS (how many users: connections).
"""

import itertools
import os
import time

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

PATH = os.environ.get("BENCH_PATH", "/")
COOKIE = os.environ.get("BENCH_COOKIE", "")
RATE = float(os.environ.get("BENCH_RATE", "150"))
USERS = int(os.environ.get("BENCH_USERS", "50"))
INTERVAL = USERS / RATE  # each user's pace
_numbers = itertools.count()


class Visitor(FastHttpUser):
    wait_time = constant(0)
    # Our own schedule decides when to send; the connection pool must never make a request wait.
    concurrency = 1

    def on_start(self):
        number = next(_numbers)
        # Users start spread over one interval, so the arrivals are even, not in bursts.
        self.next_at = time.perf_counter() + INTERVAL * (number % USERS) / USERS
        self.headers = {"Cookie": COOKIE} if COOKIE else {}

    @task
    def visit(self):
        intended = self.next_at
        self.next_at += INTERVAL
        delay = intended - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # gevent-patched: yields to the other users
        with self.client.get(PATH, headers=self.headers, name="raw", catch_response=True) as response:
            ok = response.status_code == 200
            if not ok:
                response.failure(f"status {response.status_code}")
        corrected_ms = (time.perf_counter() - intended) * 1000
        events.request.fire(
            request_type="GET",
            name="corrected",
            response_time=corrected_ms,
            response_length=0,
            exception=None if ok else RuntimeError("failed"),
            context={},
        )
