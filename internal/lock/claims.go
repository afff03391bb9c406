package lock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofrs/flock"

	"github.com/berth-dev/berth/internal/safefs"
)

// Claims is a cross-process set of named amounts (memory reserved by
// environments being created): a claim counts while the process that made
// it holds its lock file and is gone when that process lets go or dies.
// Making a claim is one step with deciding on it: [Claims.Claim] runs the
// decision under the set's own lock with the amounts of everyone else's
// live claims, so two claimants cannot both decide on the same free room.
type Claims struct {
	Dir Dir // a directory of the set's own
}

// Claimed is a live claim of another process.
type Claimed struct {
	Name   string
	Amount int64
}

// Claim decides, under the set's lock, whether name may claim amount
// given the others' live claims, and when fits says so records the claim
// and holds it until release is called (or the process ends). fits runs
// with the lock held: keep it short. Names are the caller's to keep
// unique (an environment ID, claimed under that environment's lock).
func (c Claims) Claim(ctx context.Context, name string, amount int64,
	fits func(others []Claimed) (bool, error)) (release func(), ok bool, err error) {
	if err := EnsureDir(c.Dir.Path); err != nil {
		return nil, false, err
	}
	unlock, err := c.Dir.Acquire(ctx, "claims")
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	others, err := c.live()
	if err != nil {
		return nil, false, err
	}
	ok, err = fits(others)
	if err != nil || !ok {
		return nil, false, err
	}
	base := filepath.Join(c.Dir.Path, SafeName(name))
	if err := safefs.NotLink(base + ".claim.lock"); err != nil {
		return nil, false, fmt.Errorf("claim %s: %w", name, err)
	}
	fl := flock.New(base+".claim.lock", flock.SetFlag(os.O_CREATE|os.O_RDWR|safefs.NoFollow), flock.SetPermissions(0o600))
	held, err := fl.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("claim %s: %w", name, err)
	}
	if !held {
		return nil, false, fmt.Errorf("claim %s: already held by another process", name)
	}
	if err := writeFileAtomic(base+".claim", []byte(strconv.FormatInt(amount, 10))); err != nil {
		_ = fl.Unlock()
		return nil, false, fmt.Errorf("claim %s: %w", name, err)
	}
	return func() {
		// The amount goes first: a reader that finds an amount without a
		// held lock drops it as stale anyway.
		_ = os.Remove(base + ".claim")
		_ = fl.Unlock()
	}, true, nil
}

// live lists the claims whose lock is held, removing the files of claims
// whose process let go or died. The caller holds the set's lock.
func (c Claims) live() ([]Claimed, error) {
	entries, err := os.ReadDir(c.Dir.Path)
	if err != nil {
		return nil, fmt.Errorf("read claims: %w", err)
	}
	var out []Claimed
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".claim")
		if !ok {
			continue
		}
		base := filepath.Join(c.Dir.Path, name)
		probe := flock.New(base+".claim.lock", flock.SetFlag(os.O_RDONLY|safefs.NoFollow))
		free, err := probe.TryLock()
		if errors.Is(err, fs.ErrNotExist) {
			free, err = true, nil // no lock file: nobody can hold it
		}
		if err != nil {
			return nil, fmt.Errorf("probe claim %s: %w", name, err)
		}
		if free { // its holder let go or died
			_ = os.Remove(base + ".claim")
			_ = probe.Unlock()
			continue
		}
		b, err := safefs.ReadFile(base + ".claim")
		if errors.Is(err, fs.ErrNotExist) {
			continue // released since the listing
		}
		if err != nil {
			return nil, fmt.Errorf("read claim %s: %w", name, err)
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
			out = append(out, Claimed{Name: name, Amount: n})
		}
	}
	return out, nil
}
