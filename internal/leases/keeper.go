package leases

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/proc"
)

// keeperReady is the line a keeper writes once it holds its lock.
const keeperReady = "held"

// keeperTimeout bounds the wait for a keeper to say it holds its lock.
const keeperTimeout = 10 * time.Second

// Keeper is a keeper process being started (see [StartKeeper]).
type Keeper struct {
	name, path string
	cmd        *exec.Cmd
	ready      chan error
	exited     chan struct{}
	// inherited: the keeper was handed the lock, held since before it
	// started ([heldForKeeper]), so nobody waits for it.
	inherited bool
}

// StartKeeper starts a keeper: argv (berth's hidden keep-lease command),
// followed by "--lock PATH --holder-pid PID --holder-start START", run
// detached from the caller's session and terminal but in its namespaces.
// The keeper holds a new lock file in locks while process pid lives (see
// [Keep]). Where the platform allows (unix), StartKeeper creates and locks
// the file itself and the keeper inherits the lock (with "--lock-fd 3"),
// so the lock is held before the keeper even runs and [Keeper.Held] waits
// for nothing; elsewhere the keeper creates it and [Keeper.Held] waits for
// its word, while the caller does its other work.
func StartKeeper(argv []string, locks Locks, pid int) (*Keeper, error) {
	start, err := proc.StartTime(pid)
	if err != nil {
		return nil, fmt.Errorf("follow lease holder %d: %w", pid, err)
	}
	if err := locks.ensure(); err != nil {
		return nil, err
	}
	name, err := NewName()
	if err != nil {
		return nil, err
	}
	k := &Keeper{name: name, path: locks.Path(name), ready: make(chan error, 1), exited: make(chan struct{})}
	args := append(argv[1:len(argv):len(argv)], "--lock", k.path, "--holder-pid", strconv.Itoa(pid),
		"--holder-start", strconv.FormatUint(start, 10))
	lockFile, inherit, err := heldForKeeper(k.path)
	if err != nil {
		return nil, fmt.Errorf("take lease lock %s: %w", k.path, err)
	}
	if inherit {
		args = append(args, "--lock-fd", strconv.Itoa(inheritFD))
		defer lockFile.Close() // the keeper holds it from here on
	}
	k.cmd = exec.Command(argv[0], args...)
	k.cmd.SysProcAttr = detached()
	if inherit {
		k.cmd.ExtraFiles = []*os.File{lockFile}
		k.inherited = true
	}
	// Its own pipe for the ready line, and nothing of the caller's: a
	// keeper holding the caller's stdout would keep `berth up | ...` from
	// ever seeing the end of it.
	r, w, err := os.Pipe()
	if err != nil {
		if inherit {
			_ = os.Remove(k.path)
		}
		return nil, fmt.Errorf("start lease keeper: %w", err)
	}
	k.cmd.Stdout = w
	if err := k.cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
		if inherit {
			_ = os.Remove(k.path)
		}
		return nil, fmt.Errorf("start lease keeper %s: %w", argv[0], err)
	}
	_ = w.Close()
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		_ = r.Close()
		line = strings.TrimSpace(line)
		switch {
		case line == keeperReady:
			k.ready <- nil
		case line != "":
			k.ready <- errors.New(line)
		case err != nil && !errors.Is(err, io.EOF):
			k.ready <- err
		default:
			k.ready <- errors.New("it exited without holding the lock")
		}
	}()
	go func() { _ = k.cmd.Wait(); close(k.exited) }() // reap it, whenever it exits
	return k, nil
}

// Held waits until the keeper holds its lock and returns the lock's name.
// An inherited lock is held already: Held reports at once what the keeper
// said so far (it refuses a holder that is gone) and does not wait.
func (k *Keeper) Held(ctx context.Context) (string, error) {
	if k.inherited {
		select {
		case err := <-k.ready:
			if err != nil {
				k.Drop()
				return "", fmt.Errorf("lease keeper: %w", err)
			}
		default:
		}
		return k.name, nil
	}
	t := time.NewTimer(keeperTimeout)
	defer t.Stop()
	select {
	case err := <-k.ready:
		if err != nil {
			k.Drop()
			return "", fmt.Errorf("lease keeper: %w", err)
		}
		return k.name, nil
	case <-t.C:
		k.Drop()
		return "", fmt.Errorf("lease keeper: did not take its lock within %s", keeperTimeout)
	case <-ctx.Done():
		k.Drop()
		return "", ctx.Err()
	}
}

// Drop stops the keeper and removes its lock file.
func (k *Keeper) Drop() {
	_ = k.cmd.Process.Kill()
	<-k.exited
	_ = os.Remove(k.path)
}
