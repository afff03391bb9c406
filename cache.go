package berth

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/statedir"
)

// composeCache is where loaded compose projects are kept between runs:
// compose-cache in the state directory's base (every daemon's projects
// load the same). Its entries are stamped with berth's version and its
// executable (path, size, modification time), so a rebuilt berth never
// reads what another build wrote. nil (no cache) when the directory
// cannot be named.
func composeCache(conn *connect.Conn) *compose.Cache {
	layout, err := statedir.New(conn.Settings.StateDir)
	if err != nil {
		return nil
	}
	base := layout.Override
	if base == "" {
		base = layout.Base
	}
	stamp := Version()
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			stamp += fmt.Sprintf(" %s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return &compose.Cache{Dir: filepath.Join(base, "compose-cache"), Stamp: stamp}
}
