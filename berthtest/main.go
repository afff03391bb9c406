package berthtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/berth-dev/berth"
)

// Main is a TestMain for a package whose tests share one environment: it
// acquires o (see [berth.Acquire]), sets the environment's BERTH_*
// endpoint variables and BERTH_ENV in the process environment (read them
// with [Endpoint]), runs the tests, releases the lease, and exits with the
// tests' exit code. It does not return.
//
// When the acquisition fails, Main prints berth's error, runs no test and
// exits 1, so `go test` reports the package as failed with that message.
// A failed release is reported on stderr and does not change the exit
// code: the lease dies with the process anyway.
func Main(m *testing.M, o berth.Options) {
	os.Exit(run(m, o, os.Stderr))
}

// run is Main without the exit.
func run(m interface{ Run() int }, o berth.Options, stderr io.Writer) int {
	ctx := context.Background()
	env, err := berth.Acquire(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "berthtest: acquire environment: %v\n", err)
		return 1
	}
	vars := env.Vars()
	vars["BERTH_ENV"] = env.ID
	for k, v := range vars {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintf(stderr, "berthtest: set %s: %v\n", k, err)
		}
	}
	code := m.Run()
	for k := range vars {
		_ = os.Unsetenv(k)
	}
	if err := env.Release(ctx); err != nil {
		fmt.Fprintf(stderr, "berthtest: release lease %s: %v\n", env.LeaseID, err)
	}
	return code
}
