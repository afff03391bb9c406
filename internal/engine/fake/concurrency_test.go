package fake_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
)

// TestConcurrentUse races creators of one name and full lifecycles under
// the race detector: exactly one creator of a name wins, and every
// ephemeral port handed out is distinct.
func TestConcurrentUse(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	ports := map[int]bool{}
	for i := range 16 {
		wg.Go(func() {
			_, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: "same", Image: testImage})
			mu.Lock()
			if err == nil {
				wins++
			} else if assert.ErrorIs(t, err, engine.ErrConflict) {
				conflicts++
			}
			mu.Unlock()

			id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
				Name: fmt.Sprintf("c%d", i), Image: testImage, Ports: []engine.PortBinding{{ContainerPort: 80}},
			})
			if !assert.NoError(t, err) || !assert.NoError(t, e.ContainerStart(ctx, id)) {
				return
			}
			c, err := e.ContainerInspect(ctx, id)
			if !assert.NoError(t, err) || !assert.Len(t, c.Ports, 1) {
				return
			}
			mu.Lock()
			ports[c.Ports[0].HostPort] = true
			mu.Unlock()
			assert.NoError(t, e.ContainerStop(ctx, id, engine.StopOptions{}))
			assert.NoError(t, e.ContainerRemove(ctx, id, engine.RemoveOptions{}))
		})
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, 15, conflicts)
	assert.Len(t, ports, 16)
}
