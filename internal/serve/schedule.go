package serve

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/store"
)

// gcLoop runs the cleanup every GCEvery, the first one GCEvery after
// start, until ctx ends.
func (s *Server) gcLoop(ctx context.Context) {
	for {
		s.mon.setNextGC(s.Clock.Now().Add(s.GCEvery))
		select {
		case <-ctx.Done():
			return
		case <-s.Clock.After(s.GCEvery):
		}
		if ctx.Err() != nil { // both were ready: stopping wins
			return
		}
		s.gcOnce(ctx)
	}
}

// gcOnce runs one cleanup in GCMode, logs it and keeps its record. It is
// the same gc as `berth gc`: it takes each environment down under its
// lock after checking its leases again, so it is safe against any other
// gc or acquire. A run is skipped (and logged) while the daemon does not
// answer.
func (s *Server) gcOnce(ctx context.Context) {
	if d := s.mon.daemon(); d.Pinged && !d.Up {
		s.Log.Warn("scheduled gc skipped: the daemon is not answering")
		return
	}
	start := s.Clock.Now()
	rep, err := s.GC(ctx, gc.Options{Mode: s.GCMode})
	if ctx.Err() != nil {
		return
	}
	rec := RunRecord(start, s.Clock.Now().Sub(start), s.GCMode, rep, err)
	log := s.Log.Info
	if err != nil {
		log = s.Log.Warn
	}
	log("scheduled gc", "mode", rec.Mode, "actions", rec.Actions, "removed", rec.Removed, "torn_down", rec.TornDown,
		"reclaimed", rec.Reclaimed, "took", rec.Duration.Round(time.Millisecond), "err", err)
	if err := s.Store.RecordGCRun(ctx, rec); err != nil && ctx.Err() == nil {
		s.Log.Warn("record gc run", "err", err)
	}
}

// RunRecord is what the store keeps of one gc run.
func RunRecord(start time.Time, took time.Duration, mode gc.Mode, rep gc.Report, err error) store.GCRunRecord {
	rec := store.GCRunRecord{Time: start, Mode: mode.String(), Duration: took, Actions: len(rep.Plan.Actions),
		TornDown: len(rep.TornDown), Reclaimed: rep.Reclaimed()}
	for _, r := range rep.Results {
		if r.Outcome == gc.Removed {
			rec.Removed++
		}
	}
	if err != nil {
		rec.Error = err.Error()
	}
	return rec
}
