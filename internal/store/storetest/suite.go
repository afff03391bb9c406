// Package storetest is the contract suite every [store.Store] passes: the
// SQLite and PostgreSQL backends, any later backend the same way. A behaviour berth
// relies on belongs here, so backends cannot drift apart unnoticed; what is
// particular to one backend (its files, schema, locks) is tested in that
// backend's package.
//
// A backend's test calls [Run] with a function that opens a new, empty
// store for each subtest; its benchmark calls [Bench], so the backends'
// figures compare call for call.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// subtestTimeout bounds each subtest's store calls.
const subtestTimeout = time.Minute

// Run runs the contract suite as parallel subtests. open returns a new,
// empty store for the subtest t (failing t if it cannot); it is called
// from parallel subtests. The suite closes each store when its subtest
// ends and requires Close to succeed; open may register its own cleanup
// (which then runs after Close).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, context.Context, store.Store)
	}{
		{"EnvRoundTrip", testEnvRoundTrip},
		{"EnvZeroTimes", testEnvZeroTimes},
		{"EnvsOrder", testEnvsOrder},
		{"PutEnvReplacesAndKeepsLeases", testPutEnvReplaces},
		{"SetEnvStateAndIdleSince", testSetEnvStateAndIdleSince},
		{"DeleteEnv", testDeleteEnv},
		{"AddLease", testAddLease},
		{"LeasesOrder", testLeasesOrder},
		{"Heartbeat", testHeartbeat},
		{"ReleaseLease", testReleaseLease},
		{"ReapLeases", testReapLeases},
		{"OpRecords", testOpRecords},
		{"UsageRecords", testUsageRecords},
		{"PruneRecords", testPruneRecords},
		{"GCRuns", testGCRuns},
		{"Restarts", testRestarts},
		{"RestartStoredOnce", testRestartStoredOnce},
		{"Events", testEvents},
		{"EventStoredOnce", testEventStoredOnce},
		{"CreatedAt", testCreatedAt},
		{"NotFound", testNotFound},
		{"ConcurrentWriters", testConcurrentWriters},
		{"SwapEnvState", testSwapEnvState},
		{"Pools", testPools},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			require.NotNil(t, s, "open returned no store")
			t.Cleanup(func() { assert.NoError(t, s.Close(), "close store") })
			ctx, cancel := context.WithTimeout(t.Context(), subtestTimeout)
			defer cancel()
			tc.fn(t, ctx, s)
		})
	}
}
