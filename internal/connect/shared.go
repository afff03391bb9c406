package connect

import (
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/pglock"
)

// sharedBackends are where the gate keeps its shared state and slots:
// with BERTH_STORE (a PostgreSQL URL, checked by the settings) in that
// database, so every host sharing the store shares the budget, the slots
// and the breaker; otherwise nil, and the gate keeps them in the state
// directory. Nothing is connected here.
func sharedBackends(dsn string) (gate.Backend, *pglock.Backends, error) {
	if dsn == "" {
		return nil, nil, nil
	}
	b, err := pglock.Open(dsn)
	if err != nil {
		return nil, nil, err
	}
	return b.Gate(), b, nil
}
