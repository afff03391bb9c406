"""The stack suite's meeting point with its driver.

When BERTH_PYTEST_RENDEZVOUS names a FIFO (the driver, a Go test in
internal/e2e/integrations, sets it), each test process, once it holds its
lease and before its first test, writes one JSON line there (worker, pid,
environment, lease, endpoints) and then waits for a shared lock on the
file BERTH_PYTEST_GATE names, which the driver holds exclusively while it
looks at the daemon and berth from outside (and, in one scenario, kills a
worker). Without these variables the suite runs as any other.
"""

import fcntl
import json
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _driver_rendezvous(berth_env):
    fifo = os.environ.get("BERTH_PYTEST_RENDEZVOUS")
    if not fifo:
        return
    line = json.dumps({"worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "pid": os.getpid(),
                       "env": berth_env.env_id, "lease": berth_env.lease_id, "vars": berth_env.vars})
    with open(fifo, "w") as f:  # one write of less than PIPE_BUF: never interleaved
        f.write(line + "\n")
    with open(os.environ["BERTH_PYTEST_GATE"]) as gate:
        fcntl.flock(gate, fcntl.LOCK_SH)  # released when the file closes
