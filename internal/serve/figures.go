package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/stats"
	"github.com/berth-dev/berth/internal/store"
)

// errKindCircuitOpen is the op log's error kind of a call the open circuit
// refused (as internal/stats reads it).
const errKindCircuitOpen = "circuit_open"

// inputs is everything one scrape reads.
type inputs struct {
	Now      time.Time
	Envs     []store.Env
	Leases   []store.Lease
	Live     func(store.Lease) bool
	Usage    []store.UsageRecord
	Ops      []store.OpRecord
	Restarts []store.RestartRecord
	Events   []store.EventRecord
	GCRuns   []store.GCRunRecord
	Breaker  policy.BreakerState
	Daemon   daemonView
	Sample   []query.EnvInfo
	Disk     *engine.DiskUsage
}

type hist struct {
	count   uint64
	sum     float64
	buckets map[float64]uint64
}

func newHist(bounds []float64) *hist {
	h := &hist{buckets: map[float64]uint64{}}
	for _, b := range bounds {
		h.buckets[b] = 0
	}
	return h
}

func (h *hist) observe(v float64) {
	h.count++
	h.sum += v
	for b := range h.buckets {
		if v <= b {
			h.buckets[b]++
		}
	}
}

type opKey struct{ op, outcome string }
type memKey struct{ env, service string }
type envKey struct{ mode, state string }

// figures are the metric values of one scrape.
type figures struct {
	envs          map[envKey]int
	leasesLive    int
	acquire       map[string]*hist // "true"/"false" (reused)
	ops           map[opKey]int
	opDur         map[string]*hist
	breakerOpen   bool
	openings      int
	restarts      map[string]int
	oomKills      int
	mem, memLimit map[memKey]int64
	pinged, up    bool
	ping          float64
	disk          map[string][2]int64 // kind -> size, reclaimable
	gcRuns        map[string]int
	gcReclaimed   int64
}

// fold computes the figures from what a scrape read. Pure.
func fold(in inputs) figures {
	f := figures{envs: map[envKey]int{}, acquire: map[string]*hist{"true": newHist(acquireBuckets), "false": newHist(acquireBuckets)},
		ops: map[opKey]int{}, opDur: map[string]*hist{}, restarts: map[string]int{}, mem: map[memKey]int64{},
		memLimit: map[memKey]int64{}, gcRuns: map[string]int{"safe": 0, "normal": 0}}
	known := map[string]bool{}
	for _, e := range in.Envs {
		f.envs[envKey{e.Mode, string(e.State)}]++
		known[e.ID] = true
	}
	for _, e := range in.Sample { // found by its labels only, as berth ps shows it
		if !known[e.ID] {
			f.envs[envKey{e.Mode, e.State}]++
		}
	}
	for _, l := range in.Leases {
		if in.Live(l) {
			f.leasesLive++
		}
	}
	for _, u := range in.Usage {
		switch u.Kind {
		case store.UsageAcquire:
			f.acquire["false"].observe(float64(u.ValueMS) / 1000)
		case store.UsageReuse:
			f.acquire["true"].observe(float64(u.ValueMS) / 1000)
		}
	}
	for _, o := range in.Ops {
		outcome := "ok"
		switch o.ErrorKind {
		case "":
		case errKindCircuitOpen:
			outcome = "refused"
		default:
			outcome = "error"
		}
		f.ops[opKey{o.Op, outcome}]++
		h := f.opDur[o.Op]
		if h == nil {
			h = newHist(opBuckets)
			f.opDur[o.Op] = h
		}
		h.observe(o.Duration.Seconds())
	}
	f.breakerOpen, f.openings = in.Breaker.Open(in.Now), in.Breaker.Openings
	for _, k := range []store.RestartKind{store.RestartDone, store.RestartRefused, store.RestartForced, store.RestartEngine} {
		f.restarts[string(k)] = 0
	}
	for _, r := range in.Restarts {
		f.restarts[string(r.Kind)]++
	}
	f.oomKills = len(stats.OOMKillsRecorded(in.Events))
	for _, e := range in.Sample {
		for _, s := range e.Services {
			if s.State != "running" {
				continue
			}
			k := memKey{e.ID, s.Service}
			f.mem[k] = s.MemoryUsage
			if s.MemoryLimit > 0 {
				f.memLimit[k] = s.MemoryLimit
			}
		}
	}
	f.pinged, f.up, f.ping = in.Daemon.Pinged, in.Daemon.Up, in.Daemon.Ping.Seconds()
	if in.Disk != nil {
		f.disk = map[string][2]int64{
			"images":      {in.Disk.Images.Size, in.Disk.Images.Reclaimable},
			"build_cache": {in.Disk.BuildCache.Size, in.Disk.BuildCache.Reclaimable},
			"volumes":     {in.Disk.Volumes.Size, in.Disk.Volumes.Reclaimable},
			"containers":  {in.Disk.Containers.Size, in.Disk.Containers.Reclaimable},
		}
	}
	for _, r := range in.GCRuns {
		f.gcRuns[r.Mode]++
		f.gcReclaimed += r.Reclaimed
	}
	return f
}

// figures reads the store and serve's samples and folds them. A failed
// read leaves its figures out and is returned (joined).
func (s *Server) figures(ctx context.Context) (figures, error) {
	in, err := s.read(ctx, time.Time{})
	return fold(in), err
}

// read gathers one scrape's or one status page's inputs: the usage, op,
// restart and event records at or after since (zero: all kept).
func (s *Server) read(ctx context.Context, since time.Time) (inputs, error) {
	in := inputs{Now: s.Clock.Now(), Live: s.Live, Daemon: s.mon.daemon()}
	var errs []error
	keep := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", what, err))
		}
	}
	var err error
	in.Envs, err = s.Store.Envs(ctx)
	keep("environments", err)
	in.Leases, err = s.Store.AllLeases(ctx)
	keep("leases", err)
	in.Usage, err = s.Store.Usage(ctx, since)
	keep("usage records", err)
	in.Ops, err = s.Store.Ops(ctx, since)
	keep("op records", err)
	in.Restarts, err = s.Store.AllRestarts(ctx, since)
	keep("restart records", err)
	in.Events, err = s.Store.EventsSince(ctx, since)
	keep("event records", err)
	in.GCRuns, err = s.Store.GCRuns(ctx, time.Time{})
	keep("gc runs", err)
	in.Breaker, err = s.Daemon.Breaker(ctx)
	keep("circuit breaker", err)
	in.Sample, _, _ = s.mon.sample()
	in.Disk, _ = s.mon.diskUsage()
	return in, errors.Join(errs...)
}

func (f figures) emit(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	histogram := func(d *prometheus.Desc, h *hist, labels ...string) {
		ch <- prometheus.MustNewConstHistogram(d, h.count, h.sum, h.buckets, labels...)
	}
	for k, n := range f.envs {
		gauge(descEnvs, float64(n), k.mode, k.state)
	}
	gauge(descLeasesLive, float64(f.leasesLive))
	for _, r := range []string{"false", "true"} {
		histogram(descAcquire, f.acquire[r], r)
	}
	for k, n := range f.ops {
		counter(descOps, float64(n), k.op, k.outcome)
	}
	for op, h := range f.opDur {
		histogram(descOpDuration, h, op)
	}
	gauge(descBreakerOpen, b2f(f.breakerOpen))
	counter(descBreakerOpenings, float64(f.openings))
	for k, n := range f.restarts {
		counter(descRestarts, float64(n), k)
	}
	counter(descOOM, float64(f.oomKills))
	for k, v := range f.mem {
		gauge(descMem, float64(v), k.env, k.service)
	}
	for k, v := range f.memLimit {
		gauge(descMemLimit, float64(v), k.env, k.service)
	}
	if f.pinged {
		gauge(descUp, b2f(f.up))
		if f.up {
			gauge(descPing, f.ping)
		}
	}
	kinds := make([]string, 0, len(f.disk))
	for k := range f.disk {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		gauge(descDiskSize, float64(f.disk[k][0]), k)
		gauge(descDisk, float64(f.disk[k][1]), k)
	}
	for m, n := range f.gcRuns {
		counter(descGCRuns, float64(n), m)
	}
	counter(descGCReclaimed, float64(f.gcReclaimed))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
