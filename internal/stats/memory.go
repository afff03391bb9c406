package stats

import (
	"context"
	"log/slog"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
)

// sampleParallel bounds the memory samples taken at once. The daemon
// (20.10) answers a one-shot stats request on its next collection tick,
// up to a second later, so samples are taken side by side.
const sampleParallel = 16

// SampleMemory takes one stats sample through the gate of each container
// in ids, in parallel. A failed sample (the container may have just
// stopped) is left out and logged, not an error.
func SampleMemory(ctx context.Context, e engine.Engine, log *slog.Logger, ids []string) map[string]engine.Stats {
	out := make(map[string]engine.Stats, len(ids))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, sampleParallel)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			st, err := e.ContainerStats(ctx, id)
			if err != nil {
				log.Debug("memory sample", "container", id, "err", err)
				return
			}
			mu.Lock()
			out[id] = st
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}
