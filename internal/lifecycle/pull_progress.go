package lifecycle

import (
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/progress"
)

// pullTracker folds a pull's progress messages into a [progress.PullState].
type pullTracker struct {
	state  progress.PullState
	layers map[string]*layerState
}

type layerState struct {
	current, total int64
	done           bool
}

// add applies one message and reports the new state and whether it
// changed in a way worth showing (a layer appeared or completed, or its
// bytes moved).
func (t *pullTracker) add(m engine.PullProgress) (progress.PullState, bool) {
	if m.Layer == "" {
		return t.state, false
	}
	l, known := t.layers[m.Layer]
	switch m.Status {
	case "Pulling fs layer", "Waiting", "Downloading", "Verifying Checksum", "Download complete",
		"Extracting", "Pull complete", "Already exists":
	default:
		return t.state, false // the image's own messages ("Pulling from ...")
	}
	if !known {
		if t.layers == nil {
			t.layers = map[string]*layerState{}
		}
		l = &layerState{}
		t.layers[m.Layer] = l
	}
	before := *l
	switch m.Status {
	case "Downloading":
		l.current, l.total = m.Current, max(l.total, m.Total)
	case "Download complete", "Verifying Checksum":
		l.current = l.total
	case "Pull complete", "Already exists":
		l.current, l.done = l.total, true
	}
	if known && *l == before {
		return t.state, false
	}
	t.state.Layers, t.state.Done, t.state.Bytes, t.state.Total = len(t.layers), 0, 0, 0
	for _, x := range t.layers {
		if x.done {
			t.state.Done++
		}
		t.state.Bytes += x.current
		t.state.Total += x.total
	}
	return t.state, true
}
