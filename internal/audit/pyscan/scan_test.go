package pyscan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func facts(t *testing.T, src string) fact.Facts {
	t.Helper()
	f, err := File("t/test_x.py", []byte(src), true)
	require.NoError(t, err)
	return f
}

func argvs(cmds []fact.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, fact.Printable(strings.Join(c.Args, " ")))
	}
	return out
}

func TestOnlySinksRunCommands(t *testing.T) {
	src := `"""Module doc: subprocess.run(["docker", "rm", "-f", "x"])."""
import subprocess
import logging

log = logging.getLogger(__name__)

def clean(name):
    """Remove with docker rm -f, never."""
    # subprocess.run(["docker", "rm", "-f", name])
    log.info("running docker rm -f %s", name)
    print(f"docker system prune -af would remove {name}")
    msg = "docker rm -f " + name
    subprocess.run(["docker", "rm", "-f", name], check=True)
`
	f := facts(t, src)
	assert.Equal(t, []string{"docker rm -f …"}, argvs(f.Commands))
	c := f.Commands[0]
	assert.Equal(t, fact.Loc{File: "t/test_x.py", Line: 13, Col: 20}, c.Loc)
	assert.Equal(t, fact.SinkPython, c.Sink)
	assert.Equal(t, fact.TimeoutNone, c.Timeout)
	assert.True(t, c.Ctx.Test)
}

func TestSinkForms(t *testing.T) {
	src := `import os
import shlex
import subprocess as sp
from subprocess import check_output as co, Popen

NAME = "web"
CMD = ["docker", "stop", "-t", "0", NAME]

def f(c, extra):
    sp.run(CMD, timeout=30)
    co("docker compose -p tests up -d", shell=True)
    os.system(f"docker rm -f {c}")
    Popen(["docker", "logs", "-f", c])
    sp.call(shlex.split("docker volume prune -f"), timeout=None)
    sp.run(["docker"] + extra)
    sp.run("docker ps".split())
    sp.run(" ".join(["docker", "inspect", c]), shell=True)
    sp.run(["bash", "-c", "docker stop x && docker rm x"])
    sp.run(["docker", *extra])
    sp.run(args=["docker", "info"])
    os.popen("docker ps -a | grep %s" % c)
    sp.run(unknown_thing)
`
	f := facts(t, src)
	assert.Equal(t, []string{
		"docker stop -t 0 web",
		"docker compose -p tests up -d",
		"docker rm -f …",
		"docker logs -f …",
		"docker volume prune -f",
		"docker …",
		"docker ps",
		"docker inspect …",
		"docker stop x", "docker rm x",
		"docker …",
		"docker info",
		"docker ps -a", "grep …",
	}, argvs(f.Commands))
	timeouts := []fact.Timeout{fact.TimeoutSet, fact.TimeoutNone, fact.TimeoutNone, fact.TimeoutNA, fact.TimeoutNone}
	for i, want := range timeouts {
		assert.Equal(t, want, f.Commands[i].Timeout, f.Commands[i].Args)
	}
	assert.Equal(t, 12, f.Commands[2].Loc.Line)
	assert.Equal(t, 17, f.Commands[2].Loc.Col, "os.system's command sits in its string")
	assert.True(t, fact.Adjacent(f.Commands[8].Ctx, f.Commands[9].Ctx, "t/test_x.py", "t/test_x.py"), "sh -c: stop then rm")
}

func TestStatementsAreSequenced(t *testing.T) {
	src := `import subprocess
def teardown(c):
    subprocess.run(["docker", "stop", c])
    subprocess.run(["docker", "rm", c])
    subprocess.run(["docker", "stop", c])
    wait_until_stopped(c)
    subprocess.run(["docker", "rm", c])
`
	f := facts(t, src)
	require.Len(t, f.Commands, 4)
	adj := func(a, b int) bool {
		return fact.Adjacent(f.Commands[a].Ctx, f.Commands[b].Ctx, "t/test_x.py", "t/test_x.py")
	}
	assert.True(t, adj(0, 1))
	assert.False(t, adj(2, 3), "a statement in between")
}

func TestLoopsAndRetries(t *testing.T) {
	src := `import subprocess, time, docker
from tenacity import retry, stop_after_attempt, wait_fixed

def a(c):
    while True:
        subprocess.run(["docker", "restart", c])

def b(c):
    while not healthy(c):
        c.restart()
        time.sleep(2)

def d(c):
    for _ in range(3):
        c.restart()

@retry
def e(c):
    c.restart()

@retry(stop=stop_after_attempt(3), wait=wait_fixed(1))
def g(c):
    c.restart()

def h(c):
    attempts = 0
    while attempts < 5: c.restart()

def k(c):
    c.restart()
`
	f := facts(t, src)
	require.Len(t, f.Commands, 1)
	l := f.Commands[0].Ctx.Loop
	require.NotNil(t, l)
	assert.False(t, l.Bounded)
	assert.False(t, l.Delay)
	assert.Equal(t, 5, l.Loc.Line)

	require.Len(t, f.Calls, 6)
	want := []struct {
		loop           bool
		bounded, delay bool
	}{{true, false, true}, {true, true, false}, {true, false, false}, {true, true, true}, {true, true, false}, {false, false, false}}
	for i, w := range want {
		c := f.Calls[i]
		assert.Equal(t, "restart", c.Method)
		assert.True(t, c.SDK, "docker is imported")
		if !w.loop {
			assert.Nil(t, c.Ctx.Loop, i)
			continue
		}
		require.NotNil(t, c.Ctx.Loop, i)
		assert.Equal(t, w.bounded, c.Ctx.Loop.Bounded, i)
		assert.Equal(t, w.delay, c.Ctx.Loop.Delay, i)
	}
}

func TestSDKCalls(t *testing.T) {
	src := `import docker
client = docker.from_env()
def f(name):
    client.containers.get(name).remove(force=True)
    client.api.remove_container(name, force=True, v=True)
    client.volumes.prune()
    things.remove("x")
`
	f := facts(t, src)
	require.Len(t, f.Calls, 4)
	assert.Equal(t, "remove", f.Calls[0].Method)
	assert.Equal(t, "client.containers.get(name)", f.Calls[0].Receiver)
	assert.Equal(t, "True", f.Calls[0].Options["force"])
	assert.Equal(t, fact.Loc{File: "t/test_x.py", Line: 4, Col: 5}, f.Calls[0].Loc)
	assert.Equal(t, "name", f.Calls[1].Target)
	assert.Equal(t, "client.volumes", f.Calls[2].Receiver)
	assert.Equal(t, "x", f.Calls[3].Target)
}

func TestComposeRefs(t *testing.T) {
	src := `import os
"""Uses docker-compose.yml."""
COMPOSE = os.path.join(HERE, "tests/docker-compose.test.yml")
x = "compose.yaml is not a path: it has spaces"
`
	f := facts(t, src)
	require.Len(t, f.Refs, 1)
	assert.Equal(t, "tests/docker-compose.test.yml", f.Refs[0].Path)
	assert.Equal(t, 3, f.Refs[0].Loc.Line)
}

func TestBrokenFileIsAnError(t *testing.T) {
	_, err := File("x.py", []byte("x = '''never closed\n"), false)
	assert.Error(t, err)
}

func TestPytestConfig(t *testing.T) {
	src := "[pytest]\n# addopts = -n 8\naddopts = -ra -n auto --dist loadfile\n[tool]\naddopts = -n 1\naddopts = -ra  # -n 4 was flaky\n"
	p := Config("pytest.ini", []byte(src))
	require.Len(t, p, 1)
	assert.Equal(t, 3, p[0].Loc.Line)
	assert.Contains(t, p[0].What, "-n auto")
	assert.Len(t, Config("pyproject.toml", []byte(`addopts = "--numprocesses=4"`)), 1)
}

func TestModuleCallsAreNotSDKCalls(t *testing.T) {
	src := `import os, shutil
import testcontainers
def stop(self):
    super().stop()
    os.remove(self.key)
    shutil.rmtree(self.dir)
`
	f := facts(t, src)
	require.Len(t, f.Calls, 1, "super().stop() only: os.remove is a file's")
	assert.Equal(t, "stop", f.Calls[0].Method)
}
