package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

// poolCommand is the hidden command a dedicated up or run starts,
// detached, to refill the project's warm pool.
const poolCommand, refillCommand = "pool", "refill"

type poolFlags struct {
	projectFlags
	production boolFlag
	size       int
	json       bool
}

func (f *poolFlags) options(s Streams) berth.Options {
	return berth.Options{Files: f.files, ProjectName: f.project, Production: f.production.v, Progress: s.Err, Getenv: s.Getenv}
}

// newPool is berth pool: a warm pool of dedicated copies of a stack.
func newPool(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   poolCommand,
		Short: "Keep dedicated copies of a stack ready ahead of demand (warm pool)",
		Long: `A warm pool keeps N dedicated copies of a stack created and ready, leased
to no one; berth up --dedicated and berth run --dedicated take one at once
(each copy is used once: torn down when its lease ends) and start a
background refill. The size comes from --size, else x-berth.pool.size in
the compose file; it is not part of the configuration hash. Pooled copies
show in berth ps in state pooled, count in memory admission, are replaced
when the configuration changes and are reclaimed by gc when the pool
shrinks or they go stale.`,
	}
	cmd.AddCommand(newPoolFill(s, "fill"), newPoolFill(s, refillCommand), newPoolStatus(s), newPoolDrain(s))
	return cmd
}

func newPoolFill(s Streams, name string) *cobra.Command {
	var f poolFlags
	cmd := &cobra.Command{
		Use:   name + " [-f FILE]... [--size N]",
		Short: "Create the missing copies of the pool and return once all are ready",
		Args:  cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				var size *int
				if cmd.Flags().Changed("size") {
					size = &f.size
				}
				st, err := m.PoolFill(cmd.Context(), f.options(s), size)
				if err != nil || name == refillCommand {
					return err
				}
				return printPools(s.Out, []berth.PoolStatus{st}, f.json)
			})
		}),
	}
	f.projectFlags.register(cmd.Flags())
	cmd.Flags().Var(&f.production, "production", "use the x-berth production image overrides")
	cmd.Flags().Lookup("production").NoOptDefVal = "true"
	cmd.Flags().IntVar(&f.size, "size", 0, "how many ready copies to keep (default: x-berth.pool.size, else the size set before)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the pool as JSON")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if f.size < 0 {
			return usageError{fmt.Errorf("--size %d: want a count >= 0", f.size)}
		}
		return nil
	}
	if name == refillCommand {
		cmd.Short, cmd.Hidden = "Refill the pool in the background (started by up/run --dedicated)", true
	}
	return cmd
}

func newPoolDrain(s Streams) *cobra.Command {
	var f poolFlags
	cmd := &cobra.Command{
		Use:   "drain [-f FILE]...",
		Short: "Set the pool's size to 0 and tear down its ready copies",
		Args:  cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				st, err := m.PoolDrain(cmd.Context(), f.options(s))
				if err != nil {
					return err
				}
				return printPools(s.Out, []berth.PoolStatus{st}, f.json)
			})
		}),
	}
	f.projectFlags.register(cmd.Flags())
	cmd.Flags().BoolVar(&f.json, "json", false, "print the pool as JSON")
	return cmd
}

func newPoolStatus(s Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show every warm pool: its size and its ready copies",
		Args:  cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				ps, err := m.Pools(cmd.Context())
				if err != nil {
					return err
				}
				return printPools(s.Out, ps, asJSON)
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pools as JSON")
	return cmd
}

func printPools(w io.Writer, ps []berth.PoolStatus, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(ps)
	}
	for _, p := range ps {
		fmt.Fprintf(w, "%s: %d/%d ready %s\n", p.Project, len(p.Ready), p.Size, strings.Join(p.Ready, " "))
	}
	return nil
}

// refill is the command line of the detached pool refill a dedicated up
// or run starts: berth itself (as [keeper] names it), the same compose
// files and project, in the same directory and environment.
func refill(f *envFlags) []string {
	k := keeper()
	if k == nil {
		return nil
	}
	argv := []string{k[0], poolCommand, refillCommand}
	for _, file := range f.files {
		argv = append(argv, "-f", file)
	}
	if f.project != "" {
		argv = append(argv, "-p", f.project)
	}
	if f.production.v != nil {
		argv = append(argv, fmt.Sprintf("--production=%t", *f.production.v))
	}
	return argv
}
