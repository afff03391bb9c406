package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// Shape of testConcurrentWriters.
const (
	writers         = 8
	cyclesPerWriter = 25
)

// testConcurrentWriters: goroutines sharing one store add, heartbeat and
// release leases on one environment, record usage and put environments
// of their own, while another reaps (finding nothing dead) meanwhile. Every call
// succeeds, no lease remains, the environment ends idle and every record
// is kept.
func testConcurrentWriters(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "shared")
	errs := make(chan error, writers+1)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() { errs <- cycles(ctx, s, w) })
	}
	wg.Go(func() {
		for range cyclesPerWriter {
			if _, err := s.ReapLeases(ctx, func(store.Lease) bool { return false }, time.Now()); err != nil {
				errs <- fmt.Errorf("reap: %w", err)
				return
			}
		}
		errs <- nil
	})
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	require.NoError(t, errors.Join(all...))

	leases, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Empty(t, leases)
	assert.False(t, idleSince(t, ctx, s, "shared").IsZero(), "the last release marks the environment idle")
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Len(t, envs, 1+writers)
	usage, err := s.Usage(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, usage, writers*cyclesPerWriter)
}

// cycles is one writer of testConcurrentWriters.
func cycles(ctx context.Context, s store.Store, w int) error {
	own := testEnv(fmt.Sprintf("own-%d", w))
	if err := s.PutEnv(ctx, own); err != nil {
		return fmt.Errorf("writer %d: %w", w, err)
	}
	for i := range cyclesPerWriter {
		l, err := s.AddLease(ctx, "shared", holder(w), time.Minute, time.Now())
		if err == nil {
			err = s.Heartbeat(ctx, l.ID, time.Now())
		}
		if err == nil {
			var n int
			n, err = s.ReleaseLease(ctx, l.ID, time.Now())
			if err == nil && (n < 0 || n >= writers) {
				err = fmt.Errorf("%d leases remain", n)
			}
		}
		if err == nil {
			err = s.RecordUsage(ctx, store.UsageRecord{Time: time.Now(), EnvID: "shared", Kind: store.UsageRelease})
		}
		if err != nil {
			return fmt.Errorf("writer %d, cycle %d: %w", w, i, err)
		}
	}
	return nil
}
