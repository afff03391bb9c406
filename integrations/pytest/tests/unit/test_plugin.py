"""Unit tests of pytest_berth: its options, the berth command lines it
runs, and how it reports berth's failures. berth is played by a small
recording script here (the real berth, the real daemon and pytest-xdist
are exercised by internal/e2e/integrations); each pytest run under test is
a real pytest process (pytester's runpytest_subprocess).

Run: PYTHONPATH=integrations/pytest python3 -m pytest -p pytester integrations/pytest/tests/unit
"""

import json
import os
import sys
import textwrap

import pytest

import pytest_berth

FAKE_BERTH = r'''#!%(python)s
"""Plays berth: appends its argv to $FAKE_BERTH_LOG and answers as
$FAKE_BERTH_MODE says (ok, bad, badup, notready)."""
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_BERTH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
mode = os.environ.get("FAKE_BERTH_MODE", "ok")
cmd = args[0]
if mode == "bad" and cmd in ("up", "env"):
    sys.stderr.write("berth: nope.yaml: compose file not found\n")
    sys.exit(2)
if cmd == "up" and mode == "badup":
    sys.stderr.write("berth: prod.yaml: compose file not found\n")
    sys.exit(2)
if cmd == "up" and mode == "notready":
    sys.stderr.write("api: starting\nberth: service api did not get ready within 1s\n  last log lines:\n  boom\n")
    sys.exit(3)
if cmd == "up":
    print(json.dumps({"lease_id": "l-1", "env": "demo-abc", "mode": "shared", "reused": False,
                      "endpoints": {"BERTH_WEB_APP_HOST": "127.0.0.1", "BERTH_WEB_APP_PORT": "32001",
                                    "BERTH_WEB_APP_PORT_8080": "32001"}}))
elif cmd == "env":
    sys.stderr.write("berth: environment demo-abc is not up\n")
    sys.exit(1)
elif cmd == "gc":
    print("gc, mode safe: reaped 0 dead lease(s); 0 removal(s) planned")
    print("took down 0 environment(s); reclaimed 0 B")
elif cmd == "stats":
    print("berth stats (last 3s)\n  peak concurrent holders  1")
'''

USES_ENV = """
import os

def test_uses_env(berth_env):
    assert berth_env.endpoint("web-app", 8080) == "127.0.0.1:32001"
    assert os.environ["BERTH_WEB_APP_PORT"] == "32001"
    assert os.environ["BERTH_ENV"] == "demo-abc"
    assert "BERTH_LEASE" not in os.environ
"""
OTHER = """

def test_other():
    pass
"""


@pytest.fixture
def berth(pytester, monkeypatch):
    """A recording berth as BERTH_BIN; returns a function that reads the
    command lines it ran."""
    exe = pytester.path / "fake-berth"
    exe.write_text(FAKE_BERTH % {"python": sys.executable})
    exe.chmod(0o755)
    log = pytester.path / "berth.log"
    log.write_text("")
    monkeypatch.setenv("BERTH_BIN", str(exe))
    monkeypatch.setenv("FAKE_BERTH_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(pytest_berth.__file__), prepend=os.pathsep)
    monkeypatch.delenv("BERTH_FILE", raising=False)
    return lambda: [json.loads(line) for line in log.read_text().splitlines()]


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "pytest_berth", "-p", "no:cacheprovider", *args)


def test_lease_taken_and_given_back(pytester, berth):
    pytester.makepyfile(USES_ENV)
    res = run(pytester, "--berth-file", "compose.yaml")
    res.assert_outcomes(passed=1)
    calls = berth()
    assert [c[0] for c in calls] == ["up", "down"]
    up = calls[0]
    assert up[1:3] == ["-f", str(pytester.path / "compose.yaml")]
    assert up[-1] == "--json"
    pid = up[up.index("--holder-pid") + 1]
    assert pid.isdigit() and int(pid) != os.getpid(), "the pytest process holds the lease, not its parent"
    assert calls[1] == ["down", "--lease", "l-1"]
    res.stdout.fnmatch_lines(["*pytest: lease l-1 on demo-abc (shared, created)*"])


def test_runner_flags_map_to_berth(pytester, berth):
    pytester.makepyfile(USES_ENV)
    res = run(pytester, "--berth-file", "a.yaml", "--berth-file", "b.yaml", "--berth-project-name", "p1",
              "--docker-dedicated", "--docker-production", "--docker-force-restart", "--docker-no-cleanup",
              "--cleanup-old-environments", "--docker-stats")
    res.assert_outcomes(passed=1)
    calls = berth()
    assert [c[0] for c in calls] == ["gc", "up", "stats"], "gc first; no down with --docker-no-cleanup"
    up = calls[1]
    assert up[1:7] == ["-f", str(pytester.path / "a.yaml"), "-f", str(pytester.path / "b.yaml"), "-p", "p1"]
    for flag in ("--dedicated", "--production", "--force-restart"):
        assert flag in up
    assert calls[2][:2] == ["stats", "--since"]
    res.stdout.fnmatch_lines(["*berth gc (--cleanup-old-environments): gc, mode safe*took down 0*",
                              "*peak concurrent holders  1*"])


def test_file_from_env_then_ini(pytester, berth, monkeypatch):
    pytester.makepyfile(USES_ENV)
    sub = pytester.mkdir("sub")
    pytester.makeini("[pytest]\nberth_file =\n    sub/from-ini.yaml\n")
    monkeypatch.setenv("BERTH_FILE", os.pathsep.join(["one.yaml", str(sub / "two.yaml")]))
    run(pytester).assert_outcomes(passed=1)
    monkeypatch.delenv("BERTH_FILE")
    run(pytester).assert_outcomes(passed=1)
    run(pytester, "--berth-file", "cli.yaml").assert_outcomes(passed=1)
    ups = [c for c in berth() if c[0] == "up"]
    files = [[c[i + 1] for i in range(len(c)) if c[i] == "-f"] for c in ups]
    assert files == [[str(pytester.path / "one.yaml"), str(sub / "two.yaml")],
                     [str(sub / "from-ini.yaml")],
                     [str(pytester.path / "cli.yaml")]]


def test_bad_input_is_a_usage_error(pytester, berth, monkeypatch):
    monkeypatch.setenv("FAKE_BERTH_MODE", "bad")
    pytester.makepyfile(USES_ENV)
    res = run(pytester, "--berth-file", "nope.yaml")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines(["ERROR: pytest-berth: `berth up -f *nope.yaml --holder-pid * --json` exited 2 "
                              "(bad input): berth: nope.yaml: compose file not found"])
    assert "Traceback" not in res.stdout.str() + res.stderr.str()


def test_bad_input_found_by_the_xdist_controller(pytester, berth, monkeypatch):
    pytest.importorskip("xdist")
    monkeypatch.setenv("FAKE_BERTH_MODE", "bad")
    pytester.makepyfile(USES_ENV)
    res = run(pytester, "-n", "2", "--berth-file", "nope.yaml")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines(["ERROR: pytest-berth: `berth env -f *nope.yaml --format json` exited 2 (bad input): "
                              "berth: nope.yaml: compose file not found"])
    assert [c[0] for c in berth()] == ["env"], "no worker started, nothing acquired"


def test_bad_input_only_a_worker_sees_fails_its_tests(pytester, berth, monkeypatch):
    pytest.importorskip("xdist")
    monkeypatch.setenv("FAKE_BERTH_MODE", "badup")  # berth env passes, berth up refuses
    pytester.makepyfile(USES_ENV + OTHER)
    res = run(pytester, "-n", "2", "--berth-file", "compose.yaml")
    res.assert_outcomes(errors=2)
    out = res.stdout.str()
    assert "exited 2 (bad input): berth: prod.yaml: compose file not found" in out
    assert "crashed" not in out and "Traceback" not in out and "INTERNALERROR" not in out


def test_environment_not_ready_fails_the_session(pytester, berth, monkeypatch):
    monkeypatch.setenv("FAKE_BERTH_MODE", "notready")
    pytester.makepyfile(USES_ENV + OTHER)
    res = run(pytester, "--berth-file", "compose.yaml")
    res.assert_outcomes(errors=1)  # the first test; then the session stops
    out = res.stdout.str()
    assert "stopping, the environment did not come up" in out
    assert "exited 3 (the environment did not come up): berth: service api did not get ready within 1s" in out
    assert "boom" in out, "the service's last log lines are quoted"
    assert "Traceback" not in out and "INTERNALERROR" not in out
    assert [c[0] for c in berth()] == ["up"], "nothing to give back"


def test_without_a_file_the_plugin_stays_out_of_the_way(pytester, berth):
    pytester.makepyfile("def test_plain():\n    pass\n")
    run(pytester).assert_outcomes(passed=1)
    pytester.makepyfile(USES_ENV)
    res = run(pytester)
    res.assert_outcomes(errors=1)
    res.stdout.fnmatch_lines(["*pytest-berth: no compose file: pass --berth-file FILE*"])
    assert berth() == []
    res = run(pytester, "--docker-dedicated")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines(["ERROR: pytest-berth: --docker-dedicated needs a compose file*"])


def test_berth_not_found(pytester, monkeypatch):
    monkeypatch.delenv("BERTH_BIN", raising=False)
    monkeypatch.setenv("PATH", str(pytester.path))
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(pytest_berth.__file__), prepend=os.pathsep)
    pytester.makepyfile(USES_ENV)
    res = pytester.run(sys.executable, "-m", "pytest", "-p", "pytest_berth", "--berth-file", "c.yaml")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines(["ERROR: pytest-berth: berth is not on PATH*BERTH_BIN*"])


def test_env_accessors():
    env = pytest_berth.BerthEnv("l-1", "e-1", "shared", True, {
        "BERTH_WEB_APP_HOST": "127.0.0.2", "BERTH_WEB_APP_PORT_80": "32000", "BERTH_WEB_APP_PORT": "32000"})
    assert env.endpoint("web-app", 80) == "127.0.0.2:32000"
    assert env.port("web.app", 80) == 32000
    assert env.host("WEB_APP") == "127.0.0.2"
    with pytest.raises(LookupError, match=r"web-app:81: not published by environment e-1 \(it has BERTH_WEB_APP_HOST"):
        env.port("web-app", 81)
    env.vars["BERTH_X"] = "changed"
    assert "BERTH_X" not in env.vars, "vars is a copy"


def test_message_of_keeps_berths_error_and_what_follows():
    stderr = textwrap.dedent("""\
        api: pulling
        berth: warning: slow
        api: starting
        berth: service api exited 1
          last log lines:
          boom
        """)
    assert pytest_berth.message_of(stderr) == "berth: service api exited 1\n  last log lines:\n  boom"
    assert pytest_berth.message_of("plain\n") == "plain"
