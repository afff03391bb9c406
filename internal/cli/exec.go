package cli

import (
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/console"
)

type execFlags struct {
	targetFlags
	noTTY   bool
	env     []string
	user    string
	workdir string
}

func newExec(s Streams) *cobra.Command {
	var f execFlags
	cmd := &cobra.Command{
		Use:   "exec SERVICE [-T] [-e K=V]... [-u USER] [-w DIR] [-f FILE]... [--env NAME | --lease ID] -- CMD [ARGS...]",
		Short: "Run a command in a service's container",
		Long: `exec runs CMD in the service's container of the environment, with a
terminal when stdin is one (-T: never), streaming stdin, stdout and
stderr, and exits with CMD's exit code: 127 when CMD is not found, 126 when
it cannot be run, 130 when interrupted. --env selects the environment, as
everywhere in berth; -e/--exec-env sets the command's variables.`,
		RunE: wrap(func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if len(args) == 0 || dash < 0 || dash != 1 || len(args) == 1 {
				return usageError{errors.New("exec needs a service and a command after --, for example: berth exec db -- psql -U postgres")}
			}
			service, command := args[0], args[1:]
			return withManager(s, func(m *berth.Manager) error {
				if err := f.checkServices(cmd.Context(), s, m, []string{service}); err != nil {
					return err
				}
				id, err := f.envID(cmd.Context(), s, m)
				if err != nil {
					return err
				}
				o := berth.ExecOptions{Cmd: command, Env: f.env, User: f.user, WorkingDir: f.workdir,
					Stdin: s.In, Stdout: s.Out, Stderr: s.Err}
				if in, ok := s.In.(*os.File); ok && !f.noTTY {
					out, _ := s.Out.(*os.File)
					if out != nil {
						o.Terminal = console.NewTerminal(in, out)
					}
				}
				code, err := m.Exec(cmd.Context(), id, service, o)
				if err != nil {
					return err
				}
				if code != 0 {
					return &ExitError{Code: code}
				}
				return nil
			})
		}),
	}
	f.targetFlags.register(cmd.Flags())
	cmd.Flags().BoolVarP(&f.noTTY, "no-tty", "T", false, "no terminal, even when stdin is one")
	cmd.Flags().StringArrayVarP(&f.env, "exec-env", "e", nil, "K=V for the command's environment (repeatable)")
	cmd.Flags().StringVarP(&f.user, "user", "u", "", "run as this user")
	cmd.Flags().StringVarP(&f.workdir, "workdir", "w", "", "run in this directory")
	return cmd
}
