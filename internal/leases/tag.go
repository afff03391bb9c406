package leases

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/internal/safefs"
)

// tagOffset is where a lock file's tag starts: after the first byte, the
// one Windows locks (a locked range cannot be read or written there).
const tagOffset = 1

// maxTag bounds the tag read back: an environment ID is far shorter.
const maxTag = 512

// Tag writes envID into lock name's file: the lock file then says which
// environment its lease is on, so the lease stays visible as held even to
// a store that never saw it (the store file was deleted and made again
// while the lease was held; see [Book.Split]). A missing file is not an
// error: its lease is gone.
func (k Locks) Tag(name, envID string) error {
	if !validName(name) {
		return fmt.Errorf("tag lease lock: bad name %q", name)
	}
	f, err := safefs.OpenFile(k.Path(name), os.O_WRONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("tag lease lock %s: %w", name, err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(envID), tagOffset); err != nil {
		return fmt.Errorf("tag lease lock %s: %w", name, err)
	}
	return nil
}

// HeldOn returns the names of the lock files tagged with envID whose
// holders still hold them. A file that cannot be read is skipped: the
// store's record of its lease, if any, still counts.
func (k Locks) HeldOn(envID string) []string {
	entries, err := os.ReadDir(filepath.Join(k.Dir, "leases"))
	if err != nil {
		return nil
	}
	var held []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || !validName(name) || k.tag(name) != envID {
			continue
		}
		if live, err := k.Probe(name); err == nil && live {
			held = append(held, name)
		}
	}
	return held
}

// tag reads lock name's tag ("" when it has none or cannot be read).
func (k Locks) tag(name string) string {
	f, err := safefs.OpenFile(k.Path(name), os.O_RDONLY, 0)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, maxTag)
	n, err := f.ReadAt(buf, tagOffset)
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return string(buf[:n])
}
