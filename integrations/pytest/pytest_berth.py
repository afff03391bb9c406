"""pytest_berth: shared Docker test environments for pytest, through berth.

Where to start: name the compose file and ask for the ``berth_env``
fixture::

    pytest -p pytest_berth --berth-file compose.yaml -n 4

    def test_api(berth_env):
        url = "http://" + berth_env.endpoint("api", 8080) + "/healthz"

Contract:

- The plugin talks to berth only through its command line: ``berth`` on
  ``PATH``, or the program ``BERTH_BIN`` names. It never does berth's work
  itself.
- The compose files come from ``--berth-file`` (repeatable), else
  ``BERTH_FILE`` (several separated by ``os.pathsep``), else the
  ``berth_file`` ini option (paths relative to the ini file). Without one
  the plugin does nothing and ``berth_env`` fails the tests that ask for it.
- Each test process holds one lease, taken when its session starts and
  given back when it finishes: the lone pytest process, or, with
  pytest-xdist, every worker (the controller holds none). Workers of one
  session share the one environment (berth counts the leases); with
  ``--docker-dedicated`` each gets a copy of its own. The lease follows the
  process that holds it, so a worker that dies, even by SIGKILL, loses it.
- Bad input (berth exits 2: a missing or malformed compose file, a bad
  setting) raises ``pytest.UsageError`` quoting berth's message and exit
  code: pytest exits 4 before any test runs and nothing is created. With
  pytest-xdist the controller checks the input (``berth env``, which creates
  nothing) before the workers start.
- An environment that does not come up fails the session: its tests
  error with berth's message (pytest alone stops after the first), and
  the summary repeats it. So does bad input that only a worker's
  ``berth up`` sees (a worker cannot end pytest with a usage error).
- ``BERTH_*`` endpoint variables and ``BERTH_ENV`` are put in
  ``os.environ`` for the code under test while the lease is held;
  ``BERTH_LEASE`` is not, so a ``berth down`` run by a test cannot give
  back the session's lease.

Options, named after the flags of the test runner berth replaces:
``--docker-dedicated``, ``--docker-production``, ``--docker-no-cleanup``,
``--docker-force-restart``, ``--docker-stats``,
``--cleanup-old-environments`` (see ``pytest --help``).
"""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

__all__ = ["BerthEnv", "BerthError", "Berth", "Settings"]

# berth's exit codes (README.md, "Exit codes").
EXIT_BAD_INPUT = 2
_EXIT_MEANING = {
    1: "failed",
    2: "bad input",
    3: "the environment did not come up",
    4: "restart refused",
    5: "not enough memory for the environment",
    127: "could not start",
    130: "interrupted",
}

_SESSION = pytest.StashKey()  # the _Session of this pytest process


class BerthError(Exception):
    """berth exited non-zero: ``code`` is its exit code, ``message`` what
    it said (the last ``berth: ...`` line and what follows)."""

    def __init__(self, args, code, message):
        super().__init__(args, code, message)
        self.argv, self.code, self.message = list(args), code, message

    def __str__(self):
        if self.code < 0:  # subprocess's way of saying a signal ended it
            how = "was killed by signal %d" % -self.code
        else:
            how = "exited %d (%s)" % (self.code, _EXIT_MEANING.get(self.code, "failed"))
        return "pytest-berth: `berth %s` %s: %s" % (" ".join(self.argv), how, self.message or "(no message)")


class Berth:
    """The berth command line at ``exe``."""

    def __init__(self, exe):
        self.exe = exe

    def run(self, *args):
        """Runs ``berth ARGS`` and returns its stdout; raises
        :class:`BerthError` when it exits non-zero.

        Output goes through temporary files, not pipes: only berth's own
        exit is waited for, so a helper process berth may leave behind (the
        lease keeper of ``berth up``) never holds the plugin up. An
        interrupt is passed on to berth, which is waited for.
        """
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                proc = subprocess.Popen([self.exe] + list(args), stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=err)
            except OSError as e:
                raise BerthError(args, 127, "run %s: %s" % (self.exe, e))
            try:
                code = proc.wait()
            except KeyboardInterrupt:
                if os.name == "nt":
                    proc.terminate()
                else:
                    proc.send_signal(signal.SIGINT)
                proc.wait()
                raise
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            stderr = err.read().decode("utf-8", "replace")
        if code != 0:
            raise BerthError(args, code, message_of(stderr))
        return stdout


def message_of(stderr):
    """berth's message in its stderr: from the last line that starts with
    ``berth:`` to the end (an error may carry a service's last log lines),
    else the whole of it (progress lines come before)."""
    lines = stderr.strip().splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith("berth: "):
            return "\n".join(lines[i:])
    return "\n".join(lines)


def locate_berth(environ):
    """The berth program: ``BERTH_BIN``, else ``berth`` on ``PATH``;
    a :class:`pytest.UsageError` when there is none."""
    exe = environ.get("BERTH_BIN")
    if exe:
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            raise pytest.UsageError("pytest-berth: BERTH_BIN=%s is not an executable file" % exe)
        return exe
    exe = shutil.which("berth")
    if not exe:
        raise pytest.UsageError(
            "pytest-berth: berth is not on PATH: install it "
            "(go install github.com/berth-dev/berth/cmd/berth@latest) or set BERTH_BIN to its path")
    return exe


def var_name(service):
    """The variable form of a service name, as berth documents it for its
    ``BERTH_<SERVICE>_*`` variables: upper case, every character other than
    A-Z and 0-9 becomes ``_``."""
    return "".join(c if ("A" <= c <= "Z" or "0" <= c <= "9") else "_" for c in service.upper())


class BerthEnv:
    """A leased environment: what ``berth up --json`` printed.

    ``vars`` is the ``BERTH_*`` endpoint mapping (a copy);
    ``endpoint(service, port)`` is ``"host:port"`` where the service's
    container port is published, ``host(service)`` and
    ``port(service, port)`` its parts. A service or port the environment
    does not publish raises ``LookupError`` naming what it does publish.
    """

    def __init__(self, lease_id, env_id, mode, reused, endpoints):
        self.lease_id, self.env_id, self.mode, self.reused = lease_id, env_id, mode, reused
        self._vars = dict(endpoints)

    @property
    def vars(self):
        return dict(self._vars)

    def host(self, service):
        return self._get("BERTH_%s_HOST" % var_name(service), service)

    def port(self, service, port):
        return int(self._get("BERTH_%s_PORT_%d" % (var_name(service), port), "%s:%d" % (service, port)))

    def endpoint(self, service, port):
        return "%s:%d" % (self.host(service), self.port(service, port))

    def _get(self, key, what):
        try:
            return self._vars[key]
        except KeyError:
            raise LookupError("%s: not published by environment %s (it has %s)" % (
                what, self.env_id, ", ".join(sorted(self._vars)) or "no published ports")) from None

    def __repr__(self):
        return "BerthEnv(env=%r, mode=%r, lease=%r)" % (self.env_id, self.mode, self.lease_id)


class Settings:
    """What the command line, ``BERTH_FILE`` and the ini file ask of berth."""

    def __init__(self, files, project=None, dedicated=False, production=False, no_cleanup=False,
                 force_restart=False, stats=False, cleanup_old=False):
        self.files, self.project = list(files), project
        self.dedicated, self.production, self.no_cleanup = dedicated, production, no_cleanup
        self.force_restart, self.stats, self.cleanup_old = force_restart, stats, cleanup_old

    @classmethod
    def from_config(cls, config, environ):
        opt = config.getoption
        project = opt("berth_project") or config.getini("berth_project_name") or None
        return cls(compose_files(config, environ), project=project,
                   dedicated=opt("docker_dedicated"), production=opt("docker_production"),
                   no_cleanup=opt("docker_no_cleanup"), force_restart=opt("docker_force_restart"),
                   stats=opt("docker_stats"), cleanup_old=opt("cleanup_old_environments"))

    def lease_flags(self):
        """The options given that shape a lease (they need a compose file)."""
        return [name for name, on in (("--docker-dedicated", self.dedicated),
                                      ("--docker-production", self.production),
                                      ("--docker-no-cleanup", self.no_cleanup),
                                      ("--docker-force-restart", self.force_restart)) if on]

    def project_args(self):
        """``-f FILE...`` and ``-p NAME``: which stack."""
        args = []
        for f in self.files:
            args += ["-f", f]
        if self.project:
            args += ["-p", self.project]
        return args

    def up_args(self):
        """Arguments of ``berth up`` for this session's lease."""
        args = ["up"] + self.project_args()
        if self.dedicated:
            args.append("--dedicated")
        if self.production:
            args.append("--production")
        if self.force_restart:
            args.append("--force-restart")
        return args + holder_args() + ["--json"]


def holder_args():
    """Whose life the lease follows: this process (the lone pytest process,
    or the xdist worker). The one place that says so.

    ``berth up`` follows the process ``--holder-pid`` names: today by
    checking that process is alive; with the lease keeper of the leases
    work, by a keeper process that holds the lease's lock until that
    process dies. The holder is this process either way.
    """
    return ["--holder-pid", str(os.getpid())]


def compose_files(config, environ):
    """The compose files, as absolute paths: ``--berth-file`` (relative to
    the invocation directory), else ``BERTH_FILE`` (relative to the current
    directory, several separated by ``os.pathsep``), else the ``berth_file``
    ini option (relative to the ini file)."""
    given = config.getoption("berth_files")
    if given:
        base = str(config.invocation_params.dir)
        return [os.path.normpath(os.path.join(base, f)) for f in given]
    env = environ.get("BERTH_FILE", "")
    if env:
        return [os.path.abspath(f) for f in env.split(os.pathsep) if f]
    return [str(p) for p in config.getini("berth_file")]


def pytest_addoption(parser):
    group = parser.getgroup("berth", "shared Docker environments through berth")
    group.addoption("--berth-file", action="append", dest="berth_files", metavar="FILE",
                    help="compose file of the stack (repeatable, merged in order; "
                         "default: BERTH_FILE, then the berth_file ini option)")
    group.addoption("--berth-project-name", dest="berth_project", metavar="NAME",
                    help="compose project name (default: the compose file's)")
    group.addoption("--docker-dedicated", action="store_true",
                    help="a copy of the stack for each test process, with ports of its own (default: one shared)")
    group.addoption("--docker-production", action="store_true",
                    help="apply the compose file's x-berth production overrides")
    group.addoption("--docker-no-cleanup", action="store_true",
                    help="leave the environment up after the session: the lease is not given back, it goes "
                         "with the test process, and berth gc takes the environment down once its linger has passed")
    group.addoption("--docker-force-restart", action="store_true",
                    help="before acquiring, restart the shared environment's services that are not healthy, "
                         "whatever the restart limits")
    group.addoption("--docker-stats", action="store_true",
                    help="print berth stats for the session's duration in the terminal summary")
    group.addoption("--cleanup-old-environments", action="store_true",
                    help="run berth gc (stale and idle environments, orphans) before the session")
    parser.addini("berth_file", type="paths", help="compose files of the stack (relative to this file)")
    parser.addini("berth_project_name", help="compose project name")


def pytest_configure(config):
    config.stash[_SESSION] = _Session(config)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    session.config.stash[_SESSION].start()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    s = item.config.stash.get(_SESSION, None)
    if s is not None and s.failure:
        item.session.shouldfail = "pytest-berth: stopping, the environment did not come up"
        pytest.fail(s.failure, pytrace=False)


def pytest_sessionfinish(session):
    session.config.stash[_SESSION].finish()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: collect what each worker leased (or why not)."""
    out = getattr(node, "workeroutput", None) or {}
    if "berth" in out:
        node.config.stash[_SESSION].workers.append(out["berth"])


def pytest_report_header(config):
    return config.stash[_SESSION].header


def pytest_terminal_summary(terminalreporter, config):
    config.stash[_SESSION].summary(terminalreporter)


@pytest.fixture(scope="session")
def berth_env(request):
    """The session's leased environment (:class:`BerthEnv`)."""
    s = request.config.stash[_SESSION]
    if s.failure:
        pytest.fail(s.failure, pytrace=False)
    if s.env is None:
        pytest.fail("pytest-berth: no compose file: pass --berth-file FILE, set BERTH_FILE, "
                    "or set the berth_file ini option", pytrace=False)
    return s.env


class _Session:
    """The plugin's work in one pytest process: which role it plays, the
    lease it holds, and what it reports."""

    def __init__(self, config):
        self.config = config
        self.env = None  # BerthEnv while the lease is held
        self.failure = None  # berth's message when the environment did not come up
        self.workers = []  # xdist controller: each worker's report
        self.lines = []  # what to print in the summary
        self.header = []  # what to print in the session's header
        self.started = time.time()
        self._saved_environ = {}
        self.settings = None
        self.berth = None

    @property
    def role(self):
        """"worker" (an xdist worker), "controller" (the xdist controller)
        or "single" (pytest without xdist)."""
        if hasattr(self.config, "workerinput"):
            return "worker"
        if self.config.pluginmanager.hasplugin("dsession"):
            return "controller"
        return "single"

    def start(self):
        """Takes this process's part: the controller checks the input, a
        worker or a lone pytest takes the lease; gc first when asked."""
        self.started = time.time()
        settings = Settings.from_config(self.config, os.environ)
        flags = settings.lease_flags()
        if not settings.files:
            if flags:
                raise pytest.UsageError("pytest-berth: %s needs a compose file: pass --berth-file FILE, "
                                        "set BERTH_FILE, or set the berth_file ini option" % ", ".join(flags))
            if not (settings.stats or settings.cleanup_old):
                return  # not asked for: stay out of the way
        self.settings, self.berth = settings, Berth(locate_berth(os.environ))
        if self.config.option.collectonly:
            return
        if self.role != "worker" and settings.cleanup_old:
            self._cleanup_old()
        if not settings.files:
            return
        if self.role == "controller":
            self._check_input()
        else:
            self._acquire()

    def _cleanup_old(self):
        try:
            out = self.berth.run("gc")
        except BerthError as e:
            if e.code == EXIT_BAD_INPUT:
                raise pytest.UsageError(str(e))
            self.lines.append("berth gc (--cleanup-old-environments): " + str(e))
            return
        self.header.append("berth gc (--cleanup-old-environments): " + " / ".join(
            l for l in out.splitlines() if l.startswith(("gc,", "took down"))))

    def _check_input(self):
        """The controller's look at the input before the workers start:
        ``berth env`` loads the compose files and settings as ``up`` would
        and creates nothing. Exit 2 is bad input; anything else (the
        environment is not up yet) is left for the workers' ``berth up``."""
        try:
            self.berth.run("env", *self.settings.project_args(), "--format", "json")
        except BerthError as e:
            if e.code == EXIT_BAD_INPUT:
                raise pytest.UsageError(str(e))

    def _acquire(self):
        try:
            out = self.berth.run(*self.settings.up_args())
        except BerthError as e:
            # A worker cannot end pytest with a usage error (xdist would
            # report a crash and start another): there, bad input the
            # controller's check could not see (a production overrides
            # file, say) fails the session like any other failure.
            if e.code == EXIT_BAD_INPUT and self.role != "worker":
                raise pytest.UsageError(str(e))
            self.failure = str(e)
            self._report({"failure": self.failure})
            return
        try:
            got = json.loads(out)
            self.env = BerthEnv(got["lease_id"], got["env"], got["mode"], got["reused"], got["endpoints"])
        except (ValueError, KeyError, TypeError) as e:
            self.failure = "pytest-berth: unexpected output of `berth up --json` (%s): %r" % (e, out[:500])
            self._report({"failure": self.failure})
            return
        for k, v in dict(self.env.vars, BERTH_ENV=self.env.env_id).items():
            self._saved_environ[k] = os.environ.get(k)
            os.environ[k] = v
        self._report({"env": self.env.env_id, "mode": self.env.mode, "reused": self.env.reused,
                      "lease": self.env.lease_id, "pid": os.getpid()})

    def _report(self, what):
        if self.role == "worker":
            what["worker"] = self.config.workerinput.get("workerid", "?")
            self.config.workeroutput["berth"] = what
        else:
            self.workers.append(what)

    def finish(self):
        env, self.env = self.env, None
        if env is None:
            return
        for k, v in self._saved_environ.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if self.settings.no_cleanup:
            return  # the lease goes with this process; gc takes the environment later
        try:
            self.berth.run("down", "--lease", env.lease_id)
        except BerthError as e:
            # The lease still dies with this process; say what happened.
            print("pytest-berth: release lease %s: %s" % (env.lease_id, e), file=sys.stderr)

    def summary(self, tr):
        if self.role == "worker" or self.settings is None:
            return
        if self.workers or self.lines or self.settings.stats:
            tr.section("berth")
        for line in self.lines:
            tr.write_line(line)
        for w in self.workers:
            who = w.get("worker", "pytest")
            if "failure" in w:
                tr.write_line("%s: %s" % (who, w["failure"]), red=True)
            else:
                tr.write_line("%s: lease %s on %s (%s, %s)" % (
                    who, w["lease"], w["env"], w["mode"], "reused" if w["reused"] else "created"))
        if self.settings.stats:
            since = "%ds" % (math.ceil(time.time() - self.started) + 1)
            try:
                tr.write_line("berth stats --since %s" % since)
                tr.write(self.berth.run("stats", "--since", since))
            except BerthError as e:
                tr.write_line(str(e), red=True)
