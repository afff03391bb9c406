package progress

import (
	"fmt"
)

// PullState is where one image's pull is: its layers known so far, those
// complete (downloaded and extracted, or already there), and the bytes
// downloaded of the layers whose size is known.
type PullState struct {
	Image        string
	Layers, Done int
	Bytes, Total int64
}

func (s PullState) String() string {
	out := fmt.Sprintf("%d/%d layers", s.Done, s.Layers)
	if s.Total > 0 {
		out += fmt.Sprintf(", %s/%s", size(s.Bytes), size(s.Total))
	}
	return out
}

// Puller is a [Reporter] that also shows pull progress: a service in phase
// [Pulling] reports its image's [PullState] as it changes.
type Puller interface {
	Pull(service string, s PullState)
}

// ReportPull hands s to r when r shows pull progress.
func ReportPull(r Reporter, service string, s PullState) {
	if p, ok := r.(Puller); ok {
		p.Pull(service, s)
	}
}

// size renders a byte count for humans: B, kB, MB, GB (powers of 1000, as
// the docker CLI shows pulls).
func size(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fGB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fMB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fkB", float64(n)/1e3)
	}
	return fmt.Sprintf("%dB", n)
}
