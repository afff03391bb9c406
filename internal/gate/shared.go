package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/safefs"
)

// sharedFile is a small state file that several processes read and update
// under a kernel lock on a separate lock file.
//
// The data file stays open for the life of the process and is rewritten in
// place, padded with spaces to its previous length, never truncated:
// truncate-and-rewrite makes ext4 flush on close, which cost ~100 µs per
// call. JSON and integers parse with trailing spaces trimmed.
type sharedFile struct {
	locks lock.Dir
	name  string // lock name and data file stem

	once    sync.Once
	f       *os.File
	openErr error
}

func newSharedFile(locks lock.Dir, name string) *sharedFile {
	return &sharedFile{locks: locks, name: name}
}

func (s *sharedFile) path() string { return filepath.Join(s.locks.Path, s.name+".state") }

func (s *sharedFile) file() (*os.File, error) {
	s.once.Do(func() {
		// Never through a link planted in the directory (safefs).
		s.f, s.openErr = safefs.OpenFile(s.path(), os.O_RDWR|os.O_CREATE, 0o600)
	})
	return s.f, s.openErr
}

// Update reads the file, lets fn compute the new content, and writes it
// back if it changed, all under the lock. A missing or unreadable file is
// passed to fn as empty: the state is advisory and rebuilt from zero.
func (s *sharedFile) Update(ctx context.Context, fn func(old []byte) []byte) error {
	f, err := s.file()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path(), err)
	}
	release, err := s.locks.Acquire(ctx, s.name)
	if err != nil {
		return err
	}
	defer release()
	var buf [4096]byte
	n, err := f.ReadAt(buf[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", s.path(), err)
	}
	old := bytes.TrimRight(buf[:n], " ")
	next := fn(old)
	if bytes.Equal(next, old) {
		return nil
	}
	if len(next) >= len(buf) {
		return fmt.Errorf("write %s: state of %d bytes is too large", s.path(), len(next))
	}
	if pad := n - len(next); pad > 0 {
		next = append(next, bytes.Repeat([]byte(" "), pad)...)
	}
	if _, err := f.WriteAt(next, 0); err != nil {
		return fmt.Errorf("write %s: %w", s.path(), err)
	}
	return nil
}

// Close releases the open data file, if any.
func (s *sharedFile) Close() error {
	s.once.Do(func() { s.openErr = os.ErrClosed })
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}
