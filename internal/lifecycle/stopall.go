package lifecycle

import (
	"context"
	"errors"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
)

// StopAll runs [StopAndRemove] for every container in ids at once, so a
// teardown takes about the longest grace period rather than their sum.
// results[i] belongs to ids[i]. The error joins every container's error
// (errors.Join); a [*NotStoppedError] among them is found with errors.As.
// Concurrency towards the daemon is bounded by the engine (the gate).
func StopAll(ctx context.Context, e engine.Engine, ids []string, opts StopOptions) ([]Result, error) {
	results := make([]Result, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			results[i], errs[i] = StopAndRemove(ctx, e, id, opts)
		})
	}
	wg.Wait()
	return results, errors.Join(errs...)
}
