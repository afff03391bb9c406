package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/endpoints"
)

type upFlags struct {
	envFlags
	holderPID int
	ttl       durationFlag
	format    string

	forceRestart bool // restart the shared environment's unhealthy services first, as berth run does
}

func newUp(s Streams) *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up [-f FILE]...",
		Short: "Acquire an environment and wait until it is ready",
		Long: `up acquires a lease on the compose environment (creating it, or reusing a
healthy shared one) and waits until it is ready, then prints the lease ID,
the environment and its endpoints. The lease belongs to up's parent process
(the script that ran it) unless --holder-pid says otherwise: when that
process dies, the lease dies with it. Release it with berth down.

up leaves a small keeper process behind (berth itself, detached) that holds
the lease's lock while the holder lives, so the lease is judged the same
from every container and PID namespace that shares the state directory.
An up with no parent (PID 1 of its PID namespace, such as a container's
entrypoint) is refused unless --ttl or --holder-pid says what holds it.

CI pipelines that run up, the tests and down as separate steps (each in a
shell of its own) use --ttl: the lease then also stays live for that long
after it was taken, whatever becomes of its holder. --format dotenv prints
BERTH_LEASE, BERTH_ENV and the endpoints as KEY=value lines to append to
the pipeline's environment file; berth down releases $BERTH_LEASE.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				o := f.options(s)
				if f.forceRestart {
					restartUnhealthy(cmd.Context(), s, m, o)
				}
				o.HolderPID = f.holderPID
				if o.HolderPID == 0 {
					o.HolderPID = os.Getppid()
				}
				if o.HolderPID == 0 { // no parent (refused in PreRunE unless --ttl)
					o.HolderPID = berth.NoHolder
				} else {
					o.Keeper = keeper() // holds the lease's lock while the holder lives
				}
				if f.ttl.v != nil {
					o.HeartbeatTTL = *f.ttl.v
				}
				env, err := m.Acquire(cmd.Context(), o)
				if err != nil {
					return err
				}
				if f.format == "dotenv" {
					vars := env.Vars()
					vars["BERTH_LEASE"], vars["BERTH_ENV"] = env.LeaseID, env.ID
					return endpoints.Write(s.Out, "dotenv", vars)
				}
				return printAcquired(s.Out, env, f.json)
			})
		}),
	}
	f.register(cmd.Flags())
	cmd.Flags().IntVar(&f.holderPID, "holder-pid", 0, "process whose life the lease follows (default: the parent of berth)")
	cmd.Flags().Var(&f.ttl, "ttl", "also keep the lease live this long after it is taken, whatever its holder (for CI steps)")
	cmd.Flags().BoolVar(&f.forceRestart, "force-restart", false, "first restart, in place and whatever the restart limits, the shared environment's services that are not healthy (as berth run does)")
	cmd.Flags().StringVar(&f.format, "format", "text", "output: text, or dotenv (BERTH_LEASE, BERTH_ENV and endpoints as KEY=value lines)")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if f.format != "text" && f.format != "dotenv" {
			return usageError{fmt.Errorf("--format %q: want text or dotenv", f.format)}
		}
		if f.ttl.v != nil && *f.ttl.v == 0 {
			return usageError{fmt.Errorf("--ttl must be greater than zero")}
		}
		if f.holderPID < 0 {
			return usageError{fmt.Errorf("--holder-pid %d: want a process ID", f.holderPID)}
		}
		if f.holderPID == 0 && f.ttl.v == nil && os.Getppid() == 0 {
			return usageError{errParentless}
		}
		return nil
	}
	return cmd
}

// errParentless refuses a berth up whose parent is PID 0: it runs as PID 1
// of a PID namespace (a container's entrypoint, unshare --pid --fork), so
// no process would hold the lease once up exits and it would die at once.
var errParentless = errors.New("berth up has no parent process to hold the lease (it runs as PID 1 of its PID namespace, " +
	"for example a container's entrypoint or unshare --pid --fork), so the lease would die as up exits: " +
	"give it a lifetime with --ttl D (for example --ttl 30m; release it with berth down), " +
	"or name the process whose life it follows with --holder-pid PID, " +
	"or run up from a shell that lives as long as the tests (sh -c 'berth up ... && run-tests')")

// acquired is what up prints with --json.
type acquired struct {
	LeaseID   string            `json:"lease_id"`
	Env       string            `json:"env"`
	Mode      string            `json:"mode"`
	Reused    bool              `json:"reused"`
	Endpoints map[string]string `json:"endpoints"`
}

func printAcquired(w io.Writer, env *berth.Env, asJSON bool) error {
	a := acquired{LeaseID: env.LeaseID, Env: env.ID, Mode: env.Mode, Reused: env.Reused, Endpoints: env.Vars()}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	how := "created"
	if a.Reused {
		how = "reused"
	}
	fmt.Fprintf(w, "lease %s\nenv   %s (%s, %s)\n", a.LeaseID, a.Env, a.Mode, how)
	for _, k := range slices.Sorted(maps.Keys(a.Endpoints)) {
		fmt.Fprintf(w, "%s=%s\n", k, a.Endpoints[k])
	}
	return nil
}

// openManager opens the library's Manager with the command's streams.
func openManager(s Streams) (*berth.Manager, error) {
	return berth.Open(s.Getenv, logger(s))
}

// withManager opens the library's Manager with the command's streams,
// runs f with it and closes it.
func withManager(s Streams, f func(m *berth.Manager) error) error {
	m, err := openManager(s)
	if err != nil {
		return err
	}
	defer m.Close()
	return f(m)
}
