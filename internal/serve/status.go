package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/store"
)

// gcRunsShown is how many of the last gc runs the page lists.
const gcRunsShown = 10

// Status is what the page shows and /api/status returns.
type Status struct {
	Now      time.Time `json:"now"`
	Endpoint string    `json:"endpoint"`
	Daemon   struct {
		Known       bool      `json:"known"` // a ping has been tried
		Up          bool      `json:"up"`
		PingSeconds float64   `json:"ping_seconds"`
		At          time.Time `json:"at,omitzero"`
		Error       string    `json:"error,omitempty"`
	} `json:"daemon"`
	Breaker struct {
		Open      bool      `json:"open"`
		OpenUntil time.Time `json:"open_until,omitzero"`
		Failures  int       `json:"failures"`
		Openings  int       `json:"openings"`
	} `json:"breaker"`
	// Envs is the last sample (berth ps), taken at SampledAt.
	Envs      []query.EnvInfo `json:"envs"`
	SampledAt time.Time       `json:"sampled_at,omitzero"`
	GC        struct {
		Enabled bool                `json:"enabled"`
		Mode    string              `json:"mode"`
		Every   string              `json:"every"`
		Next    time.Time           `json:"next,omitzero"`
		Runs    []store.GCRunRecord `json:"runs"` // newest first
	} `json:"gc"`
	Disk   *Disk  `json:"disk,omitempty"` // nil until measured
	Charts Charts `json:"charts"`
	Error  string `json:"error,omitempty"` // a part of the store that could not be read
}

// Disk is the daemon's disk usage by kind.
type Disk struct {
	At    time.Time  `json:"at"`
	Kinds []DiskKind `json:"kinds"`
}

// DiskKind is one line of [Disk].
type DiskKind struct {
	Kind        string `json:"kind"`
	Count       int    `json:"count"`
	Size        int64  `json:"size"`
	Reclaimable int64  `json:"reclaimable"`
}

// Charts are the last hour's lines.
type Charts struct {
	From     int64    `json:"from"` // Unix ms
	To       int64    `json:"to"`
	Ping     Series   `json:"ping"`     // seconds; 0 while down
	Memory   []Series `json:"memory"`   // bytes per env/service
	Ops      Series   `json:"ops"`      // Docker calls per second, per minute, every berth process
	Restarts Series   `json:"restarts"` // restarts per minute
}

// status gathers the page's data.
func (s *Server) status(ctx context.Context) Status {
	// The page needs the last hour of records (its charts), not all kept:
	// it refreshes every 2 s.
	in, err := s.read(ctx, s.Clock.Now().Add(-window))
	var st Status
	st.Now, st.Endpoint = in.Now, s.Daemon.Endpoint()
	if err != nil {
		st.Error = err.Error()
	}
	d := in.Daemon
	st.Daemon.Known, st.Daemon.Up, st.Daemon.PingSeconds, st.Daemon.At, st.Daemon.Error = d.Pinged, d.Up, d.Ping.Seconds(), d.At, d.DownErr
	st.Breaker.Open, st.Breaker.Failures, st.Breaker.Openings = in.Breaker.Open(in.Now), in.Breaker.Failures, in.Breaker.Openings
	if st.Breaker.Open {
		st.Breaker.OpenUntil = in.Breaker.OpenUntil
	}
	envs, at, mem := s.mon.sample()
	st.Envs, st.SampledAt = envs, at
	if st.Envs == nil {
		st.Envs = []query.EnvInfo{}
	}
	st.GC.Enabled, st.GC.Mode, st.GC.Every, st.GC.Next = !s.NoGC, s.GCMode.String(), s.GCEvery.String(), s.mon.gcNext()
	st.GC.Runs = lastRuns(in.GCRuns, gcRunsShown)
	if du, at := s.mon.diskUsage(); du != nil {
		st.Disk = diskKinds(*du, at)
	}
	st.Charts = charts(in, d.Hist, mem)
	return st
}

// lastRuns is the last n runs, newest first.
func lastRuns(runs []store.GCRunRecord, n int) []store.GCRunRecord {
	out := slices.Clone(runs[max(len(runs)-n, 0):])
	slices.Reverse(out)
	if out == nil {
		out = []store.GCRunRecord{}
	}
	return out
}

func diskKinds(du engine.DiskUsage, at time.Time) *Disk {
	k := func(name string, c engine.UsageCategory) DiskKind {
		return DiskKind{Kind: name, Count: c.Count, Size: c.Size, Reclaimable: c.Reclaimable}
	}
	return &Disk{At: at, Kinds: []DiskKind{k("images", du.Images), k("build_cache", du.BuildCache),
		k("volumes", du.Volumes), k("containers", du.Containers)}}
}

// charts builds the last hour's lines from the records and samples.
func charts(in inputs, ping []Point, mem []Series) Charts {
	from := in.Now.Add(-window)
	c := Charts{From: from.UnixMilli(), To: in.Now.UnixMilli(), Memory: mem}
	c.Ping = Series{Name: "daemon ping (s)", Points: ping}
	var ops, restarts []time.Time
	for _, o := range in.Ops {
		ops = append(ops, o.Time)
	}
	for _, r := range in.Restarts {
		if r.Kind != store.RestartRefused {
			restarts = append(restarts, r.Time)
		}
	}
	c.Ops = Series{Name: "docker calls/s", Points: perMinute(ops, from, in.Now, 60)}
	c.Restarts = Series{Name: "restarts/min", Points: perMinute(restarts, from, in.Now, 1)}
	if c.Memory == nil {
		c.Memory = []Series{}
	}
	if c.Ping.Points == nil {
		c.Ping.Points = []Point{}
	}
	return c
}

func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request) {
	st := s.status(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
}
