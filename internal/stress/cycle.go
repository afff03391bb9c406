package stress

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth"
)

// dialTimeout bounds one TCP connect to a published port.
const dialTimeout = 5 * time.Second

// Leaser is the part of berth's Manager a runner uses.
type Leaser interface {
	Acquire(ctx context.Context, o berth.Options) (*berth.Env, error)
	Release(ctx context.Context, leaseID string, o berth.ReleaseOptions) error
}

// Outcome is one cycle of one runner, as the runner prints it (one JSON
// line on its stdout) and the parent reads it.
type Outcome struct {
	Runner   int    `json:"runner"`
	Cycle    int    `json:"cycle"`
	OK       bool   `json:"ok"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
	Env      string `json:"env,omitempty"`
	MS       int64  `json:"ms"`
}

// Cycles runs cycles cycles of acquire -> a TCP connect to every published
// port -> release with l, printing one [Outcome] line per cycle to w, and
// returns how many failed. code maps an error to the exit code berth
// would give it. Every cycle runs even after one failed; a release error
// fails its cycle.
func Cycles(ctx context.Context, l Leaser, o berth.Options, runner, cycles int, code func(error) int, w io.Writer) int {
	failed := 0
	enc := json.NewEncoder(w)
	for c := 1; c <= cycles; c++ {
		start := time.Now()
		env, err := cycle(ctx, l, o)
		out := Outcome{Runner: runner, Cycle: c, OK: err == nil, MS: time.Since(start).Milliseconds()}
		if env != nil {
			out.Env = env.ID
		}
		if err != nil {
			failed++
			out.ExitCode, out.Error = code(err), err.Error()
		}
		_ = enc.Encode(out)
	}
	return failed
}

func cycle(ctx context.Context, l Leaser, o berth.Options) (*berth.Env, error) {
	env, err := l.Acquire(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("acquire: %w", err)
	}
	useErr := Connect(ctx, env.Vars())
	relErr := l.Release(context.WithoutCancel(ctx), env.LeaseID, berth.ReleaseOptions{})
	if useErr != nil {
		return env, useErr
	}
	if relErr != nil {
		return env, fmt.Errorf("release: %w", relErr)
	}
	return env, nil
}

// Connect opens (and closes) a TCP connection to every published TCP
// port among the BERTH_<SERVICE>_PORT_<N> variables, at its service's
// BERTH_<SERVICE>_HOST. No variables is an error: the run would prove
// nothing.
func Connect(ctx context.Context, vars map[string]string) error {
	n := 0
	d := net.Dialer{Timeout: dialTimeout}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		prefix, _, ok := strings.Cut(k, "_PORT_")
		if !ok || strings.HasSuffix(k, "_UDP") {
			continue
		}
		addr := net.JoinHostPort(vars[prefix+"_HOST"], vars[k])
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("connect to %s (%s): %w", k, addr, err)
		}
		_ = c.Close()
		n++
	}
	if n == 0 {
		return fmt.Errorf("connect: the environment publishes no TCP port (no BERTH_*_PORT_* variable)")
	}
	return nil
}
