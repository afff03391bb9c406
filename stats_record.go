package berth

import (
	"context"
	"os"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// errKindCircuitOpen is the op log's error kind of a call the open
// circuit refused.
const errKindCircuitOpen = "circuit_open"

// flushTimeout bounds writing this process's op records at Close.
const flushTimeout = 5 * time.Second

// flushOps writes the gate's calls since the last flush to the store's op
// log, in one transaction: the gate keeps them in memory (nothing is
// written per call), and [Manager.Close] and [Manager.Stats] flush them,
// so `berth stats` sees the calls of every process.
func (m *Manager) flushOps(ctx context.Context, db store.Store) error {
	calls, dropped := m.conn.TakeCalls()
	if dropped > 0 {
		m.log.Warn("docker operation log full; calls not recorded", "dropped", dropped)
	}
	pid := os.Getpid()
	recs := make([]store.OpRecord, 0, len(calls))
	for _, c := range calls {
		kind := c.ErrorKind
		if c.Refused {
			kind = errKindCircuitOpen
		}
		recs = append(recs, store.OpRecord{Time: c.Time, Op: string(c.Op), Duration: c.Duration,
			ErrorKind: kind, Retries: c.Retries, PID: pid})
	}
	return db.RecordOps(ctx, recs)
}
