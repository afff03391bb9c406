package lock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gofrs/flock"

	"github.com/berth-dev/berth/internal/safefs"
)

// line is a first-come-first-served queue across processes in front of a
// set of slots. A waiter takes a numbered ticket: a lock file it creates
// and holds while it waits, named by its operation's arrival ([Arrival])
// and its number. Tickets are served in that order: by arrival, then by
// number. Only the waiter holding the first live ticket (the head) may try
// for a slot; every other waiter blocks on the lock of the live ticket
// just before its own and looks again when that one is released. A ticket
// of an earlier arrival that joins later goes ahead of those already
// waiting: the waiter behind it finds it when it looks again, and the
// head looks before each try. A waiter that dies (even by SIGKILL) drops its ticket's lock
// with its process, so the line moves past it at once; its file is removed
// by whoever next finds it unlocked.
//
// Tickets are numbered from a counter file; the counter and the creation of
// a ticket happen under the line's own lock, held for microseconds.
type line struct {
	dir  Dir    // a directory of the line's own: <stem>-line in the slots' directory
	stem string // files: <stem>-q.lock (the line's lock), <stem>-q.next, <stem>-q-<arrival>-<n>.lock
}

// ticketDigits pads ticket numbers so their names sort in number order.
const ticketDigits = 20

func (l line) prefix() string { return l.stem + "-q-" }

// place is a ticket's place in the line: served by arrival, then number.
type place struct {
	arrival int64
	n       uint64
}

func (p place) before(q place) bool {
	return p.arrival < q.arrival || (p.arrival == q.arrival && p.n < q.n)
}

func (l line) ticketPath(p place) string {
	return filepath.Join(l.dir.Path, fmt.Sprintf("%s%0*d-%0*d.lock", l.prefix(), ticketDigits, p.arrival, ticketDigits, p.n))
}

// placeOf parses a ticket's file name (without the line's prefix).
func placeOf(name string) (place, bool) {
	a, n, ok := strings.Cut(strings.TrimSuffix(name, ".lock"), "-")
	if !ok {
		return place{}, false
	}
	arrival, err1 := strconv.ParseInt(a, 10, 64)
	num, err2 := strconv.ParseUint(n, 10, 64)
	return place{arrival: arrival, n: num}, err1 == nil && err2 == nil
}

// ticket is a waiter's place in the line.
type ticket struct {
	place
	path string
	fl   *flock.Flock
}

// leave gives up the place: the lock is released, then the file removed
// (in that order, as Windows cannot remove an open file; a successor that
// finds it unlocked first removes it itself).
func (t *ticket) leave() {
	_ = t.fl.Unlock()
	_ = os.Remove(t.path)
}

// join takes the next ticket, for an operation that arrived at arrival
// ([ArrivalKey]), and holds its lock.
func (l line) join(ctx context.Context, arrival int64) (*ticket, error) {
	if err := EnsureDir(l.dir.Path); err != nil {
		return nil, err
	}
	release, err := l.dir.Acquire(ctx, l.stem+"-q")
	if err != nil {
		return nil, err
	}
	defer release()
	counter := filepath.Join(l.dir.Path, l.stem+"-q.next")
	n := uint64(0)
	if b, err := safefs.ReadFile(counter); err == nil {
		n, _ = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("join the line: %w", err)
	}
	if err := writeFileAtomic(counter, []byte(strconv.FormatUint(n+1, 10))); err != nil {
		return nil, fmt.Errorf("join the line: %w", err)
	}
	t := &ticket{place: place{arrival: arrival, n: n}}
	t.path = l.ticketPath(t.place)
	if err := safefs.NotLink(t.path); err != nil {
		return nil, fmt.Errorf("join the line: %w", err)
	}
	t.fl = flock.New(t.path, flock.SetFlag(os.O_CREATE|os.O_RDONLY|safefs.NoFollow), flock.SetPermissions(0o600))
	ok, err := t.fl.TryLock()
	if err != nil || !ok {
		return nil, fmt.Errorf("join the line: lock ticket %d: %v", n, cmpErr(err, "held by another process"))
	}
	return t, nil
}

// ahead returns the path of the live ticket just before t, or "" when t is
// at the head. Tickets found unlocked belong to waiters that left or
// died; their files are removed.
func (l line) ahead(t *ticket) (string, error) {
	entries, err := os.ReadDir(l.dir.Path)
	if err != nil {
		return "", fmt.Errorf("read the line: %w", err)
	}
	var older []place
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), l.prefix())
		if !ok {
			continue
		}
		if pl, ok := placeOf(name); ok && pl.before(t.place) {
			older = append(older, pl)
		}
	}
	slices.SortFunc(older, func(a, b place) int {
		if a.before(b) {
			return -1
		}
		return 1
	})
	for _, pl := range slices.Backward(older) {
		p := l.ticketPath(pl)
		probe := flock.New(p, flock.SetFlag(os.O_RDONLY|safefs.NoFollow))
		ok, err := probe.TryLock()
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // left since the listing
		case err != nil:
			return "", fmt.Errorf("probe ticket %d: %w", pl.n, err)
		case !ok:
			return p, nil // its waiter is alive and ahead of us
		}
		_ = probe.Unlock()
		_ = os.Remove(p)
	}
	return "", nil
}

// waitTurn blocks until t is at the head of the line, or ctx ends.
func (l line) waitTurn(ctx context.Context, t *ticket) error {
	for {
		ahead, err := l.ahead(t)
		if err != nil || ahead == "" {
			return err
		}
		if err := waitBehind(ctx, ahead); err != nil {
			return err
		}
	}
}

// waitBehind blocks until the ticket at path is released (its waiter
// reached a slot, gave up or died), or ctx ends. flock has no cancellable
// wait, so the blocking lock runs in a goroutine that lets go of the
// ticket as soon as it gets it, even after ctx ended.
func waitBehind(ctx context.Context, path string) error {
	fl := flock.New(path, flock.SetFlag(os.O_RDONLY|safefs.NoFollow))
	done := make(chan error, 1)
	go func() {
		err := fl.Lock()
		if err == nil {
			_ = fl.Unlock()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed before we could open it: released
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waiting counts the live tickets (those whose lock is held).
func (l line) waiting() (int, error) {
	entries, err := os.ReadDir(l.dir.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the line: %w", err)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), l.prefix()) {
			continue
		}
		probe := flock.New(filepath.Join(l.dir.Path, e.Name()), flock.SetFlag(os.O_RDONLY|safefs.NoFollow))
		ok, err := probe.TryLock()
		if err == nil && !ok {
			n++
		} else if ok {
			_ = probe.Unlock()
		}
	}
	return n, nil
}

// empty reports whether nobody waits in the line (a cheap check for the
// uncontended path; a waiter joining at the same moment may be passed once).
func (l line) empty() bool {
	entries, err := os.ReadDir(l.dir.Path)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), l.prefix()) {
			return false
		}
	}
	return true
}

func cmpErr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

// writeFileAtomic replaces path's content by writing a temporary file
// beside it and renaming it over path.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
