package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/memory"
)

type gcFlags struct {
	dryRun     bool
	mode       string
	staleAfter durationFlag
	minAge     durationFlag
	yes        bool
	json       bool
}

func newGC(s Streams) *cobra.Command {
	var f gcFlags
	cmd := &cobra.Command{
		Use:   "gc [--dry-run] [--mode safe|normal|deep] [--stale-after D] [--min-age D] [--yes] [--json]",
		Short: "Reclaim stale environments, orphans and, when asked, daemon-wide waste",
		Long: `gc reaps leases whose holder process is gone, then plans a cleanup and
carries it out, gracefully and never by force:

  - environments with no live lease whose linger has passed, that are older
    than the stale age (--stale-after, BERTH_STALE_AFTER, x-berth.stale_after,
    default 4h), or whose containers died;
  - orphans: berth-labelled containers, networks and volumes of this state
    directory that berth's store does not know, older than --min-age (5m);
  - mode normal adds unused berth volumes and dangling images berth built;
  - mode deep adds every unused image and volume on the daemon and the build
    cache: global, so it asks on a terminal and needs --yes otherwise.

An environment with a live lease, or whose lock is held, is never touched.
--dry-run prints the plan (resource, environment, why, size) and removes
nothing.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			mode, err := berth.ParseGCMode(f.mode)
			if err != nil {
				return usageError{err}
			}
			if f.staleAfter.v != nil && *f.staleAfter.v == 0 {
				return usageError{errors.New("--stale-after must be greater than zero")}
			}
			if _, err := config.EnvFromEnv(s.Getenv); err != nil {
				return err
			}
			if mode == berth.GCDeep && !f.dryRun && !f.yes {
				if err := confirmDeep(s); err != nil {
					return err
				}
			}
			return withManager(s, func(m *berth.Manager) error {
				rep, err := m.GC(cmd.Context(), berth.GCOptions{Mode: mode, StaleAfter: f.staleAfter.v,
					MinAge: f.minAge.v, DryRun: f.dryRun, Measure: true})
				if err != nil && rep.Blank() {
					return err // failed before it began (the store did not answer): no report of nothing
				}
				if f.json {
					if jerr := printGCJSON(s.Out, rep); jerr != nil {
						return jerr
					}
				} else {
					printGC(s.Out, rep)
				}
				return err
			})
		}),
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the plan and remove nothing")
	fs.StringVar(&f.mode, "mode", "safe", "how far to reach: safe (berth's own), normal (+ unused berth volumes, dangling berth images), deep (+ every unused image and volume, build cache)")
	fs.Var(&f.staleAfter, "stale-after", "take down environments with no live lease older than this (default: BERTH_STALE_AFTER, x-berth.stale_after, 4h)")
	fs.Var(&f.minAge, "min-age", "leave orphans and unused images and volumes younger than this (default 5m)")
	fs.BoolVar(&f.yes, "yes", false, "confirm mode deep without asking")
	fs.BoolVar(&f.json, "json", false, "print the plan and results as JSON")
	return cmd
}

// confirmDeep asks on a terminal whether a deep gc may go ahead; without a
// terminal it refuses (exit 2) and says to pass --yes.
func confirmDeep(s Streams) error {
	in, ok := s.In.(*os.File)
	if !ok || !(isatty.IsTerminal(in.Fd()) || isatty.IsCygwinTerminal(in.Fd())) {
		return usageError{errors.New("gc --mode deep removes every unused image and volume and the build cache on the daemon, not only berth's: pass --yes to confirm (or run it on a terminal to be asked); --dry-run shows what it would remove")}
	}
	fmt.Fprint(s.Err, "gc --mode deep removes every unused image and volume and the build cache on this daemon, not only berth's. Continue? [y/N] ")
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return &ExitError{Code: ExitFailure, Err: errors.New("gc --mode deep not confirmed: nothing removed")}
}

func printGCJSON(w io.Writer, rep berth.GCReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		berth.GCReport
		Reclaimable int64 `json:"reclaimable"`
		Reclaimed   int64 `json:"reclaimed"`
	}{rep, rep.Plan.Reclaimable(), rep.Reclaimed()})
}

// printGC prints the plan as a table (with each removal's outcome after a
// real run), what is kept and why, and the disk usage.
func printGC(w io.Writer, rep berth.GCReport) {
	p := rep.Plan
	if rep.DryRun {
		fmt.Fprintf(w, "gc plan, mode %s (dry run: nothing removed): %d removal(s), %s reclaimable\n",
			p.Mode, len(p.Actions), memory.Bytes(p.Reclaimable()))
	} else {
		if rep.Before != nil {
			fmt.Fprintf(w, "disk usage before: %s\n", diskText(*rep.Before))
		}
		fmt.Fprintf(w, "gc, mode %s: reaped %d dead lease(s); %d removal(s) planned\n", p.Mode, len(rep.ReapedLeases), len(p.Actions))
	}
	if len(p.Actions) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		head := "RESOURCE\tENVIRONMENT\tWHY\tSIZE"
		if !rep.DryRun {
			head += "\tOUTCOME"
		}
		fmt.Fprintln(tw, head)
		for i, a := range p.Actions {
			env := a.Env
			if env == "" {
				env = "-"
			}
			row := fmt.Sprintf("%s %s\t%s\t%s\t%s", a.Kind, a.Name, env, a.Reason, sizeText(a.Size))
			if !rep.DryRun && i < len(rep.Results) {
				r := rep.Results[i]
				row += "\t" + r.Outcome
				if r.Detail != "" {
					row += ": " + r.Detail
				}
			}
			fmt.Fprintln(tw, row)
		}
		_ = tw.Flush()
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, k := range p.Kept {
		what := k.Env
		if k.Name != "" {
			what = k.Name
		}
		fmt.Fprintf(w, "kept %s: %s\n", what, k.Reason)
	}
	if rep.DryRun {
		fmt.Fprintf(w, "total reclaimable: %s\n", memory.Bytes(p.Reclaimable()))
		if rep.Before != nil {
			fmt.Fprintf(w, "disk usage now: %s\n", diskText(*rep.Before))
		}
		return
	}
	fmt.Fprintf(w, "took down %d environment(s); reclaimed %s\n", len(rep.TornDown), memory.Bytes(rep.Reclaimed()))
	if rep.After != nil {
		fmt.Fprintf(w, "disk usage after: %s\n", diskText(*rep.After))
	}
}

func diskText(d berth.DiskTotals) string {
	return fmt.Sprintf("images %s, containers %s, volumes %s, build cache %s (total %s)",
		memory.Bytes(d.Images), memory.Bytes(d.Containers), memory.Bytes(d.Volumes), memory.Bytes(d.BuildCache), memory.Bytes(d.Total()))
}

func sizeText(n int64) string {
	if n < 0 {
		return "?"
	}
	return memory.Bytes(n)
}
