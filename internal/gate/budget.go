package gate

import (
	"context"
	"strconv"
	"time"

	"github.com/berth-dev/berth/internal/policy"
)

// sharedBudget is policy.Budget with its one-time state (the theoretical
// arrival time, in Unix nanoseconds) in a shared file.
type sharedBudget struct {
	policy policy.Budget
	file   State
}

// wait reserves one mutating call and sleeps until it may go ahead.
func (b *sharedBudget) wait(ctx context.Context, now time.Time) error {
	var pause time.Duration
	err := b.file.Update(ctx, func(old []byte) []byte {
		var tat time.Time
		if n, err := strconv.ParseInt(string(old), 10, 64); err == nil {
			tat = time.Unix(0, n)
		}
		tat, pause = b.policy.Reserve(tat, now)
		return []byte(strconv.FormatInt(tat.UnixNano(), 10))
	})
	if err != nil || pause <= 0 {
		return err
	}
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
