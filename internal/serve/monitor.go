package serve

import (
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/query"
)

// monitor is what serve's loops saw last, read by the handlers. Safe for
// concurrent use.
type monitor struct {
	mu sync.Mutex

	pinged   bool          // a ping has been tried
	up       bool          // the last ping was answered
	ping     time.Duration // the last ping's latency
	pingAt   time.Time
	downErr  string // why the last ping failed
	pingHist []Point

	envs     []query.EnvInfo // the last sample (berth ps)
	envsAt   time.Time
	memHist  map[string][]Point // "env/service" -> memory bytes
	disk     *engine.DiskUsage
	diskAt   time.Time
	nextGC   time.Time
	gcActive bool
}

func newMonitor() *monitor { return &monitor{memHist: map[string][]Point{}} }

// pinged records one heartbeat's outcome.
func (m *monitor) recordPing(at time.Time, up bool, latency time.Duration, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pinged, m.up, m.ping, m.pingAt = true, up, latency, at
	m.downErr = ""
	if err != nil {
		m.downErr = err.Error()
	}
	v := latency.Seconds()
	if !up {
		v = 0 // a gap at zero marks the outage on the chart
	}
	m.pingHist = appendWithin(m.pingHist, Point{T: at.UnixMilli(), V: v})
}

// recordEnvs keeps a sample of the environments and each running
// container's memory.
func (m *monitor) recordEnvs(at time.Time, envs []query.EnvInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.envs, m.envsAt = envs, at
	seen := map[string]bool{}
	for _, e := range envs {
		for _, s := range e.Services {
			if s.State != "running" {
				continue
			}
			k := e.ID + "/" + s.Service
			seen[k] = true
			m.memHist[k] = appendWithin(m.memHist[k], Point{T: at.UnixMilli(), V: float64(s.MemoryUsage)})
		}
	}
	cut := at.Add(-window).UnixMilli()
	for k, pts := range m.memHist {
		if !seen[k] && (len(pts) == 0 || pts[len(pts)-1].T < cut) {
			delete(m.memHist, k)
		}
	}
}

func (m *monitor) recordDisk(at time.Time, du engine.DiskUsage) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.disk, m.diskAt = &du, at
}

// daemonView is a copy of the ping state.
type daemonView struct {
	Pinged  bool
	Up      bool
	Ping    time.Duration
	At      time.Time
	DownErr string
	Hist    []Point
}

func (m *monitor) daemon() daemonView {
	m.mu.Lock()
	defer m.mu.Unlock()
	return daemonView{Pinged: m.pinged, Up: m.up, Ping: m.ping, At: m.pingAt, DownErr: m.downErr, Hist: slices.Clone(m.pingHist)}
}

// sample returns the last environments sample and the memory history,
// sorted by name.
func (m *monitor) sample() ([]query.EnvInfo, time.Time, []Series) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var mem []Series
	for k, pts := range m.memHist {
		mem = append(mem, Series{Name: k, Points: slices.Clone(pts)})
	}
	slices.SortFunc(mem, func(a, b Series) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return m.envs, m.envsAt, mem
}

func (m *monitor) diskUsage() (*engine.DiskUsage, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.disk, m.diskAt
}

func (m *monitor) setNextGC(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextGC = t
}

func (m *monitor) gcNext() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nextGC
}
