package serve

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/safefs"
)

// instanceLock is the kernel lock one serve per daemon holds in the
// daemon's state directory; instanceFile says who holds it.
const (
	instanceLock = "serve"
	instanceFile = "serve.json"
)

// Instance is what the running serve of a daemon writes about itself.
type Instance struct {
	PID     int       `json:"pid"`
	Addr    string    `json:"addr"`
	Started time.Time `json:"started"`
}

// AlreadyRunningError is a second serve for a daemon that has one.
type AlreadyRunningError struct {
	Dir     string
	Running Instance // zero when the first did not say yet
}

func (e *AlreadyRunningError) Error() string {
	if e.Running.PID == 0 {
		return fmt.Sprintf("berth serve is already running for this daemon (state %s); stop it first", e.Dir)
	}
	return fmt.Sprintf("berth serve is already running for this daemon: PID %d on http://%s since %s (state %s); stop it first",
		e.Running.PID, e.Running.Addr, e.Running.Started.Local().Format(time.DateTime), e.Dir)
}

// Claim takes the daemon's serve lock in state directory dir without
// waiting. It fails with [*AlreadyRunningError] while another process
// holds it. The kernel drops the lock when the holder dies, so a killed
// serve never blocks the next.
func Claim(dir string) (release func() error, err error) {
	release, ok, err := lock.Dir{Path: dir}.TryAcquire(instanceLock)
	if err != nil {
		return nil, err
	}
	if !ok {
		e := &AlreadyRunningError{Dir: dir}
		if b, err := os.ReadFile(filepath.Join(dir, instanceFile)); err == nil {
			_ = json.Unmarshal(b, &e.Running)
		}
		return nil, e
	}
	return release, nil
}

// Announce records who holds the claim (after [Claim] succeeded), for the
// message of a second serve.
func Announce(dir string, in Instance) error {
	b, _ := json.Marshal(in)
	path := filepath.Join(dir, instanceFile)
	f, err := safefs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
