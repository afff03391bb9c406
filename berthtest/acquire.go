package berthtest

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/endpoints"
)

// Acquire takes a lease on the environment o describes for test t (see
// [berth.Acquire]) and gives it back when t ends, through t.Cleanup. When
// the acquisition fails, t fails at once with berth's error (t.Fatalf),
// which says what failed and what to do. The lease is held by the test
// binary's process.
func Acquire(t testing.TB, o berth.Options) *berth.Env {
	t.Helper()
	env, err := berth.Acquire(t.Context(), o)
	if err != nil {
		t.Fatalf("berthtest: acquire environment: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		if err := env.Release(context.Background()); err != nil {
			t.Errorf("berthtest: release lease %s: %v", env.LeaseID, err)
		}
	})
	return env
}

// Endpoint returns "host:port" where service publishes container port,
// from the BERTH_<SERVICE>_HOST and BERTH_<SERVICE>_PORT_<PORT> variables
// that [Main] (or `berth run`) puts in the environment. A variable that is
// not set fails t, naming it.
func Endpoint(t testing.TB, service string, port int) string {
	t.Helper()
	prefix := "BERTH_" + endpoints.Name(service)
	host, p := lookup(t, prefix+"_HOST"), lookup(t, prefix+"_PORT_"+strconv.Itoa(port))
	return host + ":" + p
}

func lookup(t testing.TB, key string) string {
	t.Helper()
	v, ok := os.LookupEnv(key)
	if !ok {
		t.Fatalf("berthtest: %s is not set: does the package's TestMain call berthtest.Main, and does the service publish that port?", key)
	}
	return v
}
