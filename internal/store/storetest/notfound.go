package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testNotFound: the methods that name a missing environment or lease fail
// with an error wrapping ErrNotFound and change nothing; the lists and
// DeleteEnv treat the missing as empty or done.
func testNotFound(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1")
	released := addLease(t, ctx, s, "e1", 1, t0)
	_, err := s.ReleaseLease(ctx, released.ID, t0)
	require.NoError(t, err)
	const missingEnv, missingLease = "nope", "l-0000000000000000"

	for name, call := range map[string]func() error{
		"Env":                   func() error { _, err := s.Env(ctx, missingEnv); return err },
		"SetEnvState":           func() error { return s.SetEnvState(ctx, missingEnv, store.StateReady) },
		"SetIdleSince":          func() error { return s.SetIdleSince(ctx, missingEnv, t0) },
		"AddLease":              func() error { _, err := s.AddLease(ctx, missingEnv, holder(1), 0, t0); return err },
		"Lease":                 func() error { _, err := s.Lease(ctx, missingLease); return err },
		"Lease released":        func() error { _, err := s.Lease(ctx, released.ID); return err },
		"Heartbeat":             func() error { return s.Heartbeat(ctx, missingLease, t0) },
		"Heartbeat released":    func() error { return s.Heartbeat(ctx, released.ID, t0) },
		"ReleaseLease":          func() error { _, err := s.ReleaseLease(ctx, missingLease, t0); return err },
		"ReleaseLease released": func() error { _, err := s.ReleaseLease(ctx, released.ID, t0.Add(time.Hour)); return err },
	} {
		err := call()
		assert.ErrorIs(t, err, store.ErrNotFound, name)
	}

	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Len(t, envs, 1, "a failed AddLease or SetEnvState creates no environment")
	requireTime(t, t0, envs[0].IdleSince, "a failed release changes no IdleSince")
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Empty(t, all, "a failed AddLease leaves no lease")
	leases, err := s.Leases(ctx, missingEnv)
	require.NoError(t, err)
	assert.Empty(t, leases)
	require.NoError(t, s.DeleteEnv(ctx, missingEnv))
}
