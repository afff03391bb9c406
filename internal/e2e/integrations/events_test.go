//go:build linux

package integrations

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
)

// creations records, from the daemon's event stream followed live, every
// container, network and volume the world's berth processes create, until
// a sentinel volume appears (the stream is ordered: nothing earlier is
// missed; asking afterwards would be limited to the daemon's last 256
// events).
type creations struct {
	w      *world
	stop   string
	done   chan struct{}
	cancel context.CancelFunc
	byKind map[string][]string // "container" -> service names; "network", "volume" -> names
}

// watchCreates starts recording; the subscription is in place when it
// returns.
func (w *world) watchCreates() *creations {
	ctx, cancel := context.WithCancel(context.Background())
	c := &creations{w: w, stop: "berth-it-sentinel-" + w.project, done: make(chan struct{}), cancel: cancel,
		byKind: map[string][]string{}}
	events, errs := w.e.Events(ctx, engine.EventFilter{Types: []string{"container", "network", "volume"}})
	go func() {
		defer close(c.done)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return
				}
				if ev.Action != "create" {
					continue
				}
				if ev.Type == "volume" && ev.ActorID == c.stop {
					return
				}
				c.add(ev)
			case <-errs:
				return
			}
		}
	}()
	return c
}

func (c *creations) add(ev engine.Event) {
	switch ev.Type {
	case "container":
		if c.w.mine(ev.Attributes[labels.Env]) || c.w.mine(ev.Attributes["name"]) {
			c.byKind["container"] = append(c.byKind["container"], ev.Attributes[labels.ComposeService])
		}
	case "network":
		if c.w.mine(ev.Attributes["name"]) {
			c.byKind["network"] = append(c.byKind["network"], ev.Attributes["name"])
		}
	case "volume":
		if c.w.mine(ev.ActorID) {
			c.byKind["volume"] = append(c.byKind["volume"], ev.ActorID)
		}
	}
}

// finish creates the sentinel volume and returns what was recorded
// before it.
func (c *creations) finish(t *testing.T) map[string][]string {
	t.Helper()
	ctx := context.Background()
	_, err := c.w.e.VolumeCreate(ctx, engine.VolumeSpec{Name: c.stop, Labels: map[string]string{itest.LabelKey: "sentinel"}})
	require.NoError(t, err)
	defer func() { require.NoError(t, c.w.e.VolumeRemove(ctx, c.stop)) }()
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sentinel's create event never arrived")
	}
	c.cancel()
	return c.byKind
}

// perService counts container creates per compose service.
func perService(byKind map[string][]string) map[string]int {
	n := map[string]int{}
	for _, s := range byKind["container"] {
		n[s]++
	}
	return n
}
