package statedir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/internal/safefs"
)

// idFile holds a state directory's ID.
const idFile = "state-id"

// ID returns the ID of state directory dir (see labels.Identity), writing a
// new random one the first time. The ID is written once: a temporary file
// is hard-linked into place, which fails if another process won the race,
// and then that process's ID is read. It names the directory wherever it is
// mounted: a container that bind-mounts the host's state directory at
// another path reads the same ID.
func ID(dir string) (string, error) {
	path := filepath.Join(dir, idFile)
	if id, err := readID(path); err == nil {
		return id, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make state directory ID: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+idFile+".*") // 0600, a new file
	if err != nil {
		return "", fmt.Errorf("write state directory ID: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(b[:]) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("write state directory ID: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("write state directory ID: %w", err)
	}
	return readID(path)
}

func readID(path string) (string, error) {
	b, err := safefs.ReadFile(path)
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(b))
	if len(id) != 24 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", fmt.Errorf("state directory ID %s: malformed %q; remove the file and berth writes a new one", path, id)
	}
	return id, nil
}
