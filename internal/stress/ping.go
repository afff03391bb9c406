package stress

import (
	"context"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// PingEvery is how often the daemon's ping is sampled during a run.
const PingEvery = 200 * time.Millisecond

// pingTimeout bounds one ping; a ping that times out counts as this long.
const pingTimeout = 10 * time.Second

// Sampler pings the daemon every [PingEvery] until stopped.
type Sampler struct {
	cancel  context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	samples []time.Duration
}

// SamplePing starts sampling e's ping.
func SamplePing(ctx context.Context, e engine.Engine) *Sampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &Sampler{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(PingEvery)
		defer t.Stop()
		for {
			pctx, pcancel := context.WithTimeout(ctx, pingTimeout)
			start := time.Now()
			_, _ = e.Ping(pctx)
			d := time.Since(start)
			pcancel()
			if ctx.Err() != nil {
				return
			}
			s.mu.Lock()
			s.samples = append(s.samples, d)
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the percentiles.
func (s *Sampler) Stop() Ping {
	s.cancel()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return Percentiles(s.samples)
}
