package acquire

import (
	"context"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
)

// memLimits remembers the memory limit of each container it inspected,
// by container ID, for [Acquirer.reservedMemory]: a wait for memory
// checks every running berth container of the daemon once a second under
// the reservations' lock, and inspecting each of them every time (40
// containers of 20 dedicated copies, each inspect waiting out the start
// of its container on a busy daemon) held that lock for seconds, so the
// waiters and the admissions behind them took turns slowly. A
// container's limit is fixed at its creation (berth never updates one;
// a `docker update` behind berth's back is not followed until the
// process ends). Safe for concurrent use; the zero value is empty.
type memLimits struct {
	mu sync.Mutex
	by map[string]int64
}

// limit is container id's memory limit, inspected only the first time.
// A container that is gone reports engine.ErrNotFound.
func (m *memLimits) limit(ctx context.Context, e engine.Engine, id string) (int64, error) {
	m.mu.Lock()
	v, ok := m.by[id]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	in, err := e.ContainerInspect(ctx, id)
	if err != nil {
		return 0, err
	}
	v = max(in.MemoryLimit, 0)
	m.mu.Lock()
	if m.by == nil {
		m.by = map[string]int64{}
	}
	m.by[id] = v
	m.mu.Unlock()
	return v, nil
}

// keep forgets the containers not in live (removed since), so the map
// stays as large as the daemon's running berth containers.
func (m *memLimits) keep(live map[string]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.by {
		if !live[id] {
			delete(m.by, id)
		}
	}
}
