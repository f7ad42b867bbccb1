"""Locust user for bench/load.py: GETs one page over and over with a logged-in session.

Read from the environment (bench/load.py sets them): BENCH_PATH, the page's path, and
BENCH_COOKIE and BENCH_SESSION, the session cookie's name and value. No wait between
requests: each simulated user sends its next request as soon as the previous answer is in
(a closed loop), so the throughput is what the server manages. Anything but a 200 counts
as an error (redirects are not followed: a lost session would otherwise look like a served
login page).
"""

import os

from locust import HttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
COOKIE = os.getenv("BENCH_COOKIE", "sessionid")
SESSION = os.environ["BENCH_SESSION"]


class PortalUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.cookies.set(COOKIE, SESSION)

    @task
    def page(self):
        with self.client.get(PATH, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
