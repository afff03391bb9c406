package gate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/internal/lock"
)

// sharedFile is a small state file that several processes read and update
// under a kernel lock on a separate lock file.
type sharedFile struct {
	locks lock.Dir
	name  string // lock name and data file stem
}

func (f sharedFile) path() string { return filepath.Join(f.locks.Path, f.name+".state") }

// update reads the file, lets fn compute the new content, and writes it
// back if it changed, all under the lock. A missing or unreadable file is
// passed to fn as empty: the state is advisory and rebuilt from zero.
func (f sharedFile) update(ctx context.Context, fn func(old []byte) []byte) error {
	release, err := f.locks.Acquire(ctx, f.name)
	if err != nil {
		return err
	}
	defer release()
	old, err := os.ReadFile(f.path())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", f.path(), err)
	}
	next := fn(old)
	if string(next) == string(old) {
		return nil
	}
	if err := os.WriteFile(f.path(), next, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", f.path(), err)
	}
	return nil
}
