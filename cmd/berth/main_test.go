package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/berth-dev/berth/internal/cli"
	"github.com/berth-dev/berth/internal/engine/docker"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"berth": func() { os.Exit(cli.Main(context.Background(), os.Args[1:], cli.OSStreams())) },
	})
}

// TestScripts runs the command-line scripts in testdata: berth as a user
// runs it, checking exit codes and output. Scripts that need the daemon
// start with [!daemon] skip; with BERTH_INTEGRATION=1 a missing daemon is
// an error instead.
func TestScripts(t *testing.T) {
	daemon := daemonAnswers()
	if !daemon && os.Getenv("BERTH_INTEGRATION") == "1" {
		t.Fatal("BERTH_INTEGRATION=1 but no Docker daemon answers")
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Condition: func(cond string) (bool, error) {
			if cond == "daemon" {
				return daemon, nil
			}
			if cond == "root" { // may give a file to another user (chown)
				return os.Geteuid() == 0, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("BERTH_STATE_DIR", env.WorkDir+"/state")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":     exits,
			"validjson": validJSON,
		},
	})
}

// exits N[|M...] cmd args...: run cmd and require one of the exit statuses.
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N[|M...] command [args...]")
	}
	want := map[int]bool{}
	for _, s := range strings.Split(args[0], "|") {
		n, err := strconv.Atoi(s)
		ts.Check(err)
		want[n] = true
	}
	err := ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("run %s: %v", args[1], err)
	}
	if !want[got] {
		ts.Fatalf("%s exited %d, want %s", args[1], got, args[0])
	}
}

// validjson FILE: the file holds exactly one JSON value.
func validJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: validjson file")
	}
	var v any
	err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &v)
	if (err == nil) == neg {
		ts.Fatalf("validjson %s: %v", args[0], err)
	}
}

func daemonAnswers() bool {
	e, err := docker.New(docker.Options{})
	if err != nil {
		return false
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = e.Ping(ctx)
	return err == nil
}
