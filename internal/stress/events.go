package stress

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// sentinelLabel marks the volume that ends an event recording; nothing
// else carries it, and no berth code treats it as berth's.
const sentinelLabel = "dev.berth.stress-sentinel"

// sentinelWait bounds the wait for the sentinel's own event.
const sentinelWait = 30 * time.Second

// Recorder follows the daemon's event stream live: it counts container
// creates per environment and service, and follows the memory limits of
// the run's running containers ([Recorder.PeakMemoryLimits]).
type Recorder struct {
	e       engine.Engine
	key     func(attrs map[string]string) string
	stop    string
	cancel  context.CancelFunc
	done    chan struct{}
	creates map[string]map[string]int
	memory  *memoryTracker
	err     error
}

// Record starts following the stream from since (events between since and
// the subscription are replayed, so none is missed). key returns the
// environment an event's attributes (its container's labels) belong to,
// "" for someone else's.
func Record(ctx context.Context, e engine.Engine, since time.Time, key func(map[string]string) string) *Recorder {
	ctx, cancel := context.WithCancel(ctx)
	r := &Recorder{e: e, key: key, cancel: cancel, done: make(chan struct{}), creates: map[string]map[string]int{},
		memory: newMemoryTracker(),
		stop:   fmt.Sprintf("berth-stress-sentinel-%d-%d", time.Now().UnixNano(), randInt())}
	events, errs := e.Events(ctx, engine.EventFilter{Types: []string{"container", "volume"}, Since: since})
	go func() {
		defer close(r.done)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					r.err = errors.Join(r.err, <-errs)
					return
				}
				if ev.Type == "volume" && ev.ActorID == r.stop && ev.Action == "create" {
					return
				}
				r.count(ctx, ev)
			case err := <-errs:
				r.err = err
				return
			}
		}
	}()
	return r
}

func (r *Recorder) count(ctx context.Context, ev engine.Event) {
	if ev.Type != "container" || r.key(ev.Attributes) == "" {
		return
	}
	switch ev.Action {
	case "start":
		r.memory.started(ev.ActorID, r.limitOf(ctx, ev.ActorID))
	case "die", "destroy":
		r.memory.stopped(ev.ActorID)
	case "create":
		r.countCreate(ev)
	}
}

func (r *Recorder) countCreate(ev engine.Event) {
	env := r.key(ev.Attributes)
	if r.creates[env] == nil {
		r.creates[env] = map[string]int{}
	}
	r.creates[env][ev.Attributes[labels.ComposeService]]++
}

// Finish creates (and removes) a sentinel volume and returns the creates
// recorded before its event: the stream is ordered, so nothing of the run
// is missing. An error means the counts are incomplete.
func (r *Recorder) Finish(ctx context.Context) (map[string]map[string]int, error) {
	defer r.cancel()
	if _, err := r.e.VolumeCreate(ctx, engine.VolumeSpec{Name: r.stop, Labels: map[string]string{sentinelLabel: "1"}}); err != nil {
		return nil, fmt.Errorf("create the sentinel volume that ends the event log: %w", err)
	}
	defer func() { _ = r.e.VolumeRemove(context.WithoutCancel(ctx), r.stop) }()
	t := time.NewTimer(sentinelWait)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
		return nil, fmt.Errorf("record events: the sentinel's event did not arrive within %s", sentinelWait)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if r.err != nil {
		return nil, fmt.Errorf("record events: the stream broke, counts are incomplete: %w", r.err)
	}
	return r.creates, nil
}

// PeakMemoryLimits is the largest sum of the memory limits of the run's
// containers running at once, from the events recorded; valid after
// [Recorder.Finish] returned without error.
func (r *Recorder) PeakMemoryLimits() int64 { return r.memory.peak }
