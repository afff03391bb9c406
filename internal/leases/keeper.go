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
	name   string
	forget func() // removes the lock's trace once the keeper is gone
	cmd    *exec.Cmd
	ready  chan error
	exited chan struct{}
	// inherited: the keeper was handed the lock, held since before it
	// started ([heldForKeeper]), so nobody waits for it.
	inherited bool
}

// StartKeeper starts a keeper: argv (berth's hidden keep-lease command),
// followed by "--lock PATH --holder-pid PID --holder-start START", run
// detached from the caller's session and terminal but in its namespaces.
// The keeper creates and holds a new lock file in locks while process pid
// lives (see [Keep]). StartKeeper does not wait for it: [Keeper.Held]
// does, so the keeper starts while the caller does its other work.
func StartKeeper(argv []string, locks Locks, pid int) (*Keeper, error) {
	if err := locks.ensure(); err != nil {
		return nil, err
	}
	name, err := NewName()
	if err != nil {
		return nil, err
	}
	path := locks.Path(name)
	forget := func() { _ = os.Remove(path) }
	// Where the platform allows (unix), the lock file is created and
	// locked here and the keeper inherits it ("--lock-fd 3"): held from
	// before the keeper runs, so [Keeper.Held] waits for nothing.
	lockFile, inherit, err := heldForKeeper(path)
	if err != nil {
		return nil, fmt.Errorf("take lease lock %s: %w", path, err)
	}
	if !inherit {
		return StartKeeperOf(argv, name, path, nil, forget, pid)
	}
	defer lockFile.Close() // the keeper holds it from here on
	k, err := startKeeper(argv, name, path, nil, forget, pid, lockFile)
	if err != nil {
		forget()
	}
	return k, err
}

// StartKeeperOf is [StartKeeper] for any kind of lock: the keeper gets
// "--lock lockArg" and, added to this process's environment, env; forget
// runs once a keeper that is dropped has exited.
func StartKeeperOf(argv []string, name, lockArg string, env []string, forget func(), pid int) (*Keeper, error) {
	return startKeeper(argv, name, lockArg, env, forget, pid, nil)
}

// startKeeper is [StartKeeperOf]; a non-nil held is the lock, held
// already, which the keeper inherits as descriptor [inheritFD].
func startKeeper(argv []string, name, lockArg string, env []string, forget func(), pid int, held *os.File) (*Keeper, error) {
	start, err := proc.StartTime(pid)
	if err != nil {
		return nil, fmt.Errorf("follow lease holder %d: %w", pid, err)
	}
	k := &Keeper{name: name, forget: forget, ready: make(chan error, 1), exited: make(chan struct{})}
	args := append(argv[1:len(argv):len(argv)], "--lock", lockArg, "--holder-pid", strconv.Itoa(pid),
		"--holder-start", strconv.FormatUint(start, 10))
	k.cmd = exec.Command(argv[0], args...)
	if len(env) > 0 {
		k.cmd.Env = append(os.Environ(), env...)
	}
	k.cmd.SysProcAttr = detached()
	if held != nil {
		k.cmd.Args = append(k.cmd.Args, "--lock-fd", strconv.Itoa(inheritFD))
		k.cmd.ExtraFiles = []*os.File{held}
		k.inherited = true
	}
	// Its own pipe for the ready line, and nothing of the caller's: a
	// keeper holding the caller's stdout would keep `berth up | ...` from
	// ever seeing the end of it.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start lease keeper: %w", err)
	}
	k.cmd.Stdout = w
	if err := k.cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
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

// Drop stops the keeper and removes its lock file (or other trace).
func (k *Keeper) Drop() {
	_ = k.cmd.Process.Kill()
	<-k.exited
	if k.forget != nil {
		k.forget()
	}
}
