package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/pglock"
)

// keeperCommand is the hidden command berth up starts as the keeper of a
// lease (see [leases.Keep]).
const keeperCommand = "keep-lease"

type keepLeaseFlags struct {
	lock        string
	holderPID   int
	holderStart uint64
	lockFD      int
}

// newKeepLease is berth up's keeper: it holds the lease's lock file while
// the holder process lives, and exits when the holder exits or the lease
// is released. Not for people: berth up starts it.
func newKeepLease(Streams) *cobra.Command {
	var f keepLeaseFlags
	cmd := &cobra.Command{
		Use:    keeperCommand + " --lock FILE --holder-pid PID --holder-start START",
		Short:  "Hold a lease's lock while its holder lives (started by berth up)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: wrap(func(*cobra.Command, []string) error {
			if strings.HasPrefix(f.lock, pglock.KeeperLock) { // a lease in PostgreSQL (BERTH_STORE)
				return pglock.Keep(f.lock, f.holderPID, f.holderStart, os.Stdout)
			}
			return leases.Keep(f.lock, f.lockFD, f.holderPID, f.holderStart, os.Stdout)
		}),
	}
	cmd.Flags().StringVar(&f.lock, "lock", "", "the lock file to create and hold")
	cmd.Flags().IntVar(&f.holderPID, "holder-pid", 0, "the process to follow")
	cmd.Flags().Uint64Var(&f.holderStart, "holder-start", 0, "its start time, as berth up saw it")
	cmd.Flags().IntVar(&f.lockFD, "lock-fd", -1, "the descriptor on which the lock on --lock was inherited, held (-1: create it)")
	for _, name := range []string{"lock", "holder-pid", "holder-start"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// keeper is the command line of berth's own keeper, or nil when berth
// cannot name its own executable (the lease is then judged by PID). The
// name berth was started by is kept when it names this same executable
// (a link named berth: multi-call binaries, testscript), else the
// executable's resolved path.
func keeper() []string {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	if p, err := exec.LookPath(os.Args[0]); err == nil {
		if a, err := os.Stat(p); err == nil {
			if b, err := os.Stat(exe); err == nil && os.SameFile(a, b) {
				if abs, err := filepath.Abs(p); err == nil {
					exe = abs
				}
			}
		}
	}
	return []string{exe, keeperCommand}
}
