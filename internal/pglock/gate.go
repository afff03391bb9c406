package pglock

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/berth-dev/berth/internal/gate"
)

// Gate is the gate's shared backend on PostgreSQL ([gate.Backend]):
// state rows and advisory-lock slots, keyed by the scope's Key (the
// daemon's ID, or the endpoint for the breaker), so several daemons, and
// every host using one of them, share one database.
type Gate struct {
	Pool *pgxpool.Pool
	// Fence, when set, is the process's environment locks' ([Fence]): the
	// gate refuses mutating calls while one of them is lost.
	Fence *Fence
}

var (
	_ gate.Backend = Gate{}
	_ gate.Fence   = Gate{}
)

// Lost is [Fence.Lost] of g.Fence.
func (g Gate) Lost() error { return g.Fence.Lost() }

// State is row (scope.Key, name) of berth_gate_state ([Shared]).
func (g Gate) State(scope gate.Scope, name string) (gate.State, error) {
	return Shared{Pool: g.Pool, Scope: scope.Key, Name: name}, nil
}

// Slots are advisory-lock slots in scope.Key ([Slots]).
func (g Gate) Slots(scope gate.Scope, name string, n int, limit func() int) gate.Semaphore {
	return Slots{Locks: Locks{Pool: g.Pool, Scope: scope.Key}, N: n, Name: name, Limit: limit}
}
