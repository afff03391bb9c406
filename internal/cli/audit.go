package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/audit"
	"github.com/berth-dev/berth/internal/audit/live"
	"github.com/berth-dev/berth/internal/audit/render"
	"github.com/berth-dev/berth/internal/audit/rules"
)

type auditFlags struct {
	noDaemon bool
	format   string
	output   string
	failOn   string
}

func newAudit(s Streams) *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit [PATH]",
		Short: "Find the Docker patterns in a test suite that can take a shared daemon down",
		Long: `audit scans a repository (default: the current directory; files .gitignore
excludes, vendored and binary files skipped) for the Docker patterns that
crash shared daemons -- forced removals, global prunes, restart loops,
compose files with restart: always, fixed ports and no memory limits,
parallel runs against a fixed project -- each with its file and line, a
severity and the berth feature that replaces it (docs/audit-rules.md).
Unless --no-daemon, it adds the state of the daemon berth would use; a
daemon that does not answer is reported and does not change the exit code.
Exit status: 0, or 1 with --fail-on when a finding of that severity or
above exists; 2 for bad input.`,
		Args: cobra.MaximumNArgs(1),
		RunE: wrap(func(cmd *cobra.Command, args []string) error {
			format, err := render.ParseFormat(f.format)
			if err != nil {
				return &ExitError{Code: ExitBadInput, Err: err}
			}
			var failOn rules.Severity
			if f.failOn != "" {
				if failOn, err = rules.ParseSeverity(f.failOn); err != nil {
					return &ExitError{Code: ExitBadInput, Err: err}
				}
			}
			root, err := auditRoot(args)
			if err != nil {
				return &ExitError{Code: ExitBadInput, Err: err}
			}
			var m *berth.Manager
			if !f.noDaemon {
				if m, err = berth.Open(s.Getenv, logger(s)); err != nil {
					return err
				}
				defer m.Close()
			}
			st, err := audit.Scan(cmd.Context(), root)
			if err != nil {
				return err
			}
			res := live.NotChecked("--no-daemon")
			if m != nil {
				if res, err = m.AuditResources(cmd.Context()); err != nil {
					return err
				}
			}
			rep := audit.NewReport(audit.Tool{Name: "berth audit", Version: berth.Version()}, st, res)
			if err := writeReport(s.Out, f.output, format, rep); err != nil {
				return err
			}
			if n := rep.AtLeast(failOn); failOn > 0 && n > 0 {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("findings at or above %s: %d", failOn, n)}
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&f.noDaemon, "no-daemon", false, "scan the repository only; do not ask the daemon")
	cmd.Flags().StringVar(&f.format, "format", "markdown", "report format: markdown, json or sarif")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of standard output")
	cmd.Flags().StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding of this severity or above exists: low, medium, high or critical")
	return cmd
}

// auditRoot is the directory to scan, absolute: PATH or the current one.
func auditRoot(args []string) (string, error) {
	root := "."
	if len(args) == 1 {
		root = args[0]
	}
	fi, err := os.Stat(root)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("audit: %s is not a directory", root)
	}
	return filepath.Abs(root)
}

// writeReport writes the report to file, or to out when file is "".
func writeReport(out io.Writer, file string, format render.Format, rep audit.Report) error {
	if file == "" {
		return render.Write(out, format, rep)
	}
	fh, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return errors.Join(render.Write(fh, format, rep), fh.Close())
}
