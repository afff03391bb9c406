package serve

import (
	"context"
	"sync"
	"time"
)

// startLoops starts the daemon watch, the sampler, the disk usage and the
// gc loops; each stops when ctx ends, and wg waits for them.
func (s *Server) startLoops(ctx context.Context, wg *sync.WaitGroup) {
	if stop := s.watchEvents(ctx); stop != nil {
		wg.Go(func() {
			<-ctx.Done()
			stop()
		})
	}
	wg.Go(func() { s.every(ctx, s.PingEvery, s.pingOnce) })
	wg.Go(func() { s.every(ctx, s.SampleEvery, s.sampleOnce) })
	wg.Go(func() { s.every(ctx, s.DiskEvery, s.diskOnce) })
	if !s.NoGC {
		wg.Go(func() { s.gcLoop(ctx) })
	}
}

// watchEvents starts recording every environment's container events; a
// break of the stream marks that the daemon may have restarted. nil: no
// watcher.
func (s *Server) watchEvents(ctx context.Context) (stop func()) {
	if s.Watch == nil {
		return nil
	}
	return s.Watch(ctx, func() { s.broke.Store(true) })
}

// every calls fn now and then every d until ctx ends.
func (s *Server) every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	for ctx.Err() == nil {
		fn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-s.Clock.After(d):
		}
	}
}

// pingOnce sends one heartbeat; the gate opens or closes the shared
// breaker, and the transitions are logged. When the daemon answers after
// it was down, OnDaemonBack runs.
func (s *Server) pingOnce(ctx context.Context) {
	before := s.mon.daemon()
	broke := s.broke.Swap(false) // a break before this ping
	b, err := s.Daemon.Heartbeat(ctx, pingTimeout)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		s.Log.Warn("daemon heartbeat: update the shared breaker", "err", err)
	}
	s.mon.recordPing(s.Clock.Now(), b.Up, b.Latency, b.Err)
	switch {
	case !b.Up && (before.Up || !before.Pinged):
		s.Log.Error("daemon is not answering; circuit breaker opened for every berth process",
			"daemon", s.Daemon.Endpoint(), "err", b.Err, "breaker_opened", b.Opened)
	case b.Up && before.Pinged && !before.Up:
		s.Log.Info("daemon answers again; circuit breaker closed", "daemon", s.Daemon.Endpoint(),
			"ping", b.Latency, "breaker_closed", b.Closed)
		s.daemonBack(ctx)
	case b.Up && broke:
		// The daemon may have restarted between two pings: its event
		// stream broke, and it answers.
		s.Log.Info("daemon answers after its event stream broke", "daemon", s.Daemon.Endpoint())
		s.daemonBack(ctx)
	case b.Closed:
		s.Log.Info("circuit breaker closed: the daemon answers", "daemon", s.Daemon.Endpoint())
	}
	if !b.Up && broke {
		s.broke.Store(true) // still owed: the hook runs when it answers
	}
}

// daemonBack runs the OnDaemonBack hook without holding up the pings.
func (s *Server) daemonBack(ctx context.Context) {
	if s.OnDaemonBack == nil {
		return
	}
	go func() {
		if err := s.OnDaemonBack(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("bring environments back after the daemon's return", "err", err)
		}
	}()
}

// sampleOnce describes the environments (berth ps, with memory) while the
// daemon answers, and writes serve's own Docker calls to the op log.
func (s *Server) sampleOnce(ctx context.Context) {
	if d := s.mon.daemon(); d.Pinged && !d.Up {
		return
	}
	if s.List != nil {
		envs, err := s.List(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("sample environments", "err", err)
			}
		} else {
			s.mon.recordEnvs(s.Clock.Now(), envs)
		}
	}
	if s.FlushOps != nil {
		if err := s.FlushOps(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("record docker operations", "err", err)
		}
	}
}

// diskOnce asks the daemon's disk usage.
func (s *Server) diskOnce(ctx context.Context) {
	if d := s.mon.daemon(); d.Pinged && !d.Up {
		return
	}
	du, err := s.Daemon.DiskUsage(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.Log.Warn("disk usage", "err", err)
		}
		return
	}
	s.mon.recordDisk(s.Clock.Now(), du)
	s.Log.Debug("disk usage", "images", du.Images.Size, "build_cache", du.BuildCache.Size, "volumes", du.Volumes.Size)
}
