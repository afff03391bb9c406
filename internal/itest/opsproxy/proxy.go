package opsproxy

import (
	"context"
	"errors"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Proxy forwards a unix socket of its own to the daemon's and counts the
// mutating calls in flight. Safe for concurrent use.
type Proxy struct {
	path string
	srv  *http.Server
	ln   net.Listener
	done chan struct{}

	mu                          sync.Mutex
	slot, limited, mutating     int // in flight now
	peakSlot, peakLim, peakMuts int
	calls                       map[engine.Op]int
	// limitedNow are the [Limited] calls in flight per op; atPeak is a
	// copy of it when PeakLimited was last raised.
	limitedNow, atPeak map[engine.Op]int
}

// Counts is what a proxy has seen so far.
type Counts struct {
	// PeakSlot is the most calls of slot-holding ops ([HoldsSlot]) in
	// flight at once: what BERTH_MAX_CONCURRENT_OPS bounds.
	PeakSlot int `json:"peak_slot_calls"`
	// PeakLimited is the most calls counted by [Limited] in flight at once:
	// every mutating call but pulls and builds, the strict reading of
	// BERTH_MAX_CONCURRENT_OPS. It is PeakSlot plus writes no gate op
	// makes ([OtherWrite]), so above PeakSlot only when berth made one.
	PeakLimited int `json:"peak_limited_calls"`
	// PeakMutating is the most mutating calls ([Mutating]) in flight at
	// once, slot or not.
	PeakMutating int `json:"peak_mutating_calls"`
	// AtPeakLimited is what the calls in flight were, per op, when
	// PeakLimited was first reached.
	AtPeakLimited map[engine.Op]int `json:"at_peak_limited"`
	// Calls counts the requests per op; reads under "read".
	Calls map[engine.Op]int `json:"calls"`
}

// Start listens on a new unix socket in dir (keep it short: a socket path
// is at most about 100 bytes) and forwards to the daemon's unix socket
// upstream until [Proxy.Close].
func Start(dir, upstream string) (*Proxy, error) {
	p := &Proxy{path: filepath.Join(dir, "docker.sock"), calls: map[engine.Op]int{}, limitedNow: map[engine.Op]int{}, done: make(chan struct{})}
	ln, err := net.Listen("unix", p.path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(p.path, 0o600); err != nil {
		_ = ln.Close()
		return nil, err
	}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", upstream)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "docker"
			r.Out.Host = r.In.Host
		},
		Transport:     &http.Transport{DialContext: dial, DisableCompression: true, MaxIdleConnsPerHost: 64},
		FlushInterval: -1, // streams (events, logs, pull progress) pass at once
	}
	logger := log.New(os.Stderr, "opsproxy: ", 0)
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if !errors.Is(err, context.Canceled) { // a caller that gave up (a stream it closed) is no error
			logger.Printf("%s %s: %v", r.Method, r.URL.Path, err)
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	p.ln = ln
	p.srv = &http.Server{Handler: p.count(rp), ReadHeaderTimeout: time.Minute}
	go func() {
		defer close(p.done)
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

// Host is the DOCKER_HOST value that reaches the daemon through p.
func (p *Proxy) Host() string { return "unix://" + p.path }

// count wraps next with the bookkeeping of a call's classification.
func (p *Proxy) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := Classify(r.Method, r.URL.Path, r.URL.Query())
		slot, lim, mut := HoldsSlot(op), Limited(op), Mutating(op)
		p.mu.Lock()
		p.calls[op]++
		if slot {
			p.slot++
			p.peakSlot = max(p.peakSlot, p.slot)
		}
		if lim {
			p.limited++
			p.limitedNow[op]++
			if p.limited > p.peakLim {
				p.peakLim = p.limited
				p.atPeak = maps.Clone(p.limitedNow)
			}
		}
		if mut {
			p.mutating++
			p.peakMuts = max(p.peakMuts, p.mutating)
		}
		p.mu.Unlock()
		var once sync.Once
		done := func() {
			once.Do(func() {
				p.mu.Lock()
				if slot {
					p.slot--
				}
				if lim {
					p.limited--
					p.limitedNow[op]--
					if p.limitedNow[op] == 0 {
						delete(p.limitedNow, op)
					}
				}
				if mut {
					p.mutating--
				}
				p.mu.Unlock()
			})
		}
		defer done()
		next.ServeHTTP(&endWriter{ResponseWriter: w, done: done}, r)
	})
}

// Counts returns the peaks and per-op counts so far.
func (p *Proxy) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	calls := maps.Clone(p.calls)
	if n, ok := calls[Read]; ok {
		delete(calls, Read)
		calls["read"] = n
	}
	return Counts{PeakSlot: p.peakSlot, PeakLimited: p.peakLim, PeakMutating: p.peakMuts, AtPeakLimited: maps.Clone(p.atPeak), Calls: calls}
}

// Close stops listening, closes every connection it serves (a hijacked
// stream ends with its caller) and removes the socket.
func (p *Proxy) Close() error {
	err := p.srv.Close()
	<-p.done
	if rerr := os.Remove(p.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	return err
}
