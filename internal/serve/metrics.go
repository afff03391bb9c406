package serve

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// scrapeTimeout bounds one scrape's store reads.
const scrapeTimeout = 10 * time.Second

// Histogram buckets, in seconds.
var (
	acquireBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}
	opBuckets      = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// The metrics; figures from the store cover every berth process of the
// daemon and the records it keeps (a week: gc prunes older ones, so a
// total can fall back, which Prometheus reads as a counter reset).
var (
	descEnvs            = desc("berth_environments", "Environments the store knows, by mode and state.", "mode", "state")
	descLeasesLive      = desc("berth_leases_live", "Leases whose holder is alive (their lock held, or within their TTL).")
	descAcquire         = desc("berth_acquire_duration_seconds", "Time from asking to holding a ready environment, by whether an existing one was reused.", "reused")
	descOps             = desc("berth_docker_operations_total", "Docker calls made by every berth process (after retries: one per call), by operation and outcome (ok, error, refused by the open circuit).", "op", "outcome")
	descOpDuration      = desc("berth_docker_operation_duration_seconds", "Duration of Docker calls made by every berth process, by operation.", "op")
	descBreakerOpen     = desc("berth_breaker_open", "1 while the daemon's shared circuit breaker refuses calls, else 0.")
	descBreakerOpenings = desc("berth_breaker_openings_total", "How often the daemon's shared circuit breaker has opened.")
	descRestarts        = desc("berth_restarts_total", "Service restarts by outcome: done, refused, forced (by berth), engine (the restart policy).", "outcome")
	descOOM             = desc("berth_oom_kills_total", "Containers of berth environments the kernel killed at their memory limit.")
	descMem             = desc("berth_container_memory_bytes", "Memory used by a running service container (last sample).", "env", "service")
	descMemLimit        = desc("berth_container_memory_limit_bytes", "Memory limit of a running service container (absent when it has none).", "env", "service")
	descPing            = desc("berth_daemon_ping_seconds", "Latency of serve's last ping of the daemon.")
	descUp              = desc("berth_daemon_up", "1 when the daemon answered serve's last ping, else 0.")
	descDisk            = desc("berth_disk_reclaimable_bytes", "Disk space the daemon could reclaim, by kind (images, build_cache, volumes, containers).", "kind")
	descDiskSize        = desc("berth_disk_bytes", "Disk space the daemon uses, by kind (images, build_cache, volumes, containers).", "kind")
	descGCRuns          = desc("berth_gc_runs_total", "Scheduled cleanup runs kept in the store, by mode.", "mode")
	descGCReclaimed     = desc("berth_gc_reclaimed_bytes_total", "Bytes the kept scheduled cleanup runs reclaimed.")
	descScrapeError     = desc("berth_scrape_error", "1 when this scrape could not read part of the store (see serve's log), else 0.")
)

// collector reads the store (and serve's own last samples) at each scrape.
type collector struct{ s *Server }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descEnvs, descLeasesLive, descAcquire, descOps, descOpDuration, descBreakerOpen,
		descBreakerOpenings, descRestarts, descOOM, descMem, descMemLimit, descPing, descUp, descDisk, descDiskSize,
		descGCRuns, descGCReclaimed, descScrapeError} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	f, err := c.s.figures(ctx)
	failed := 0.0
	if err != nil {
		c.s.Log.Warn("metrics: read the store", "err", err)
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(descScrapeError, prometheus.GaugeValue, failed)
	f.emit(ch)
}

func (s *Server) metricsHandler() http.Handler {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(collector{s})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
