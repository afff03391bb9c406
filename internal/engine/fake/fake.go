package fake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Engine is an in-memory [engine.Engine]. The zero value is not usable;
// call [New].
type Engine struct {
	cfg      config
	faults   faults
	bus      bus
	registry registry // guarded by mu

	mu         sync.Mutex
	containers map[string]*container // by ID
	networks   map[string]*network   // by ID
	volumes    map[string]*volume    // by name
	images     map[string]*image     // by ID
	tags       map[string]string     // normalised ref -> image ID
	ports      map[portKey]string    // bound host port -> container ID
	nextPort   int
	nextPid    int
}

var _ engine.Engine = (*Engine)(nil)

// New returns an empty fake engine with the predefined networks "bridge",
// "host" and "none".
func New(opts ...Option) *Engine {
	id := newHexID()
	cfg := config{
		id:         "FAKE:" + strings.ToUpper(id[:4]+":"+id[4:8]+":"+id[8:12]),
		endpoint:   "fake://" + id[:12],
		memTotal:   8 << 30,
		apiVersion: "1.41",
		clock:      time.Now,
		sleep:      sleepCtx,
	}
	for _, o := range opts {
		o(&cfg)
	}
	e := &Engine{
		cfg:        cfg,
		containers: map[string]*container{},
		networks:   map[string]*network{},
		volumes:    map[string]*volume{},
		images:     map[string]*image{},
		tags:       map[string]string{},
		ports:      map[portKey]string{},
		nextPort:   firstEphemeralPort,
		nextPid:    1000,
	}
	e.faults.init()
	for _, d := range []string{"bridge", "host", "none"} {
		n := &network{id: newHexID(), name: d, driver: d, created: cfg.clock(), builtin: true}
		if d == "bridge" {
			n.driver = "bridge"
		}
		e.networks[n.id] = n
	}
	return e
}

// Endpoint returns "fake://" and a per-instance ID.
func (e *Engine) Endpoint() string { return e.cfg.endpoint }

func (e *Engine) now() time.Time { return e.cfg.clock() }

// newHexID returns 64 random hex digits, the shape of the daemon's IDs.
func newHexID() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// sleepCtx waits d or until ctx ends; a negative d waits for ctx only.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d < 0 {
		<-ctx.Done()
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
