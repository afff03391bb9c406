package stats

import (
	"context"
	"os"

	"github.com/berth-dev/berth/internal/store"
)

// errKindCircuitOpen is the op log's error kind of a call the open
// circuit refused.
const errKindCircuitOpen = "circuit_open"

// FlushOps writes the gate's calls since the last flush to the store's op
// log, in one transaction: the gate keeps them in memory (nothing is
// written per call); closing berth's Manager and [Reporter.Report] flush
// them, so `berth stats` sees the calls of every process.
func (r *Reporter) FlushOps(ctx context.Context) error {
	calls, dropped := r.Gate.TakeCalls()
	if dropped > 0 {
		r.Log.Warn("docker operation log full; calls not recorded", "dropped", dropped)
	}
	pid := os.Getpid()
	recs := make([]store.OpRecord, 0, len(calls))
	for _, c := range calls {
		kind := c.ErrorKind
		if c.Refused {
			kind = errKindCircuitOpen
		}
		recs = append(recs, store.OpRecord{Time: c.Time, Op: string(c.Op), Duration: c.Duration, Queued: c.Queued,
			ErrorKind: kind, Retries: c.Retries, PID: pid})
	}
	return r.Store.RecordOps(ctx, recs)
}
