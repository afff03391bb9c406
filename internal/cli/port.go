package cli

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/console"
)

func newPort(s Streams) *cobra.Command {
	var f targetFlags
	cmd := &cobra.Command{
		Use:   "port SERVICE PRIVATE_PORT [-f FILE]... [--env NAME | --lease ID]",
		Short: "Print where a service's port is published",
		Long: `port prints HOST:PORT where the service's container port is published,
with the same host as BERTH_<SERVICE>_HOST (a dedicated copy: the copy's
own port). It exits 1 when the port is not published.`,
		Args: cobra.ExactArgs(2),
		RunE: wrap(func(cmd *cobra.Command, args []string) error {
			service := args[0]
			port, err := strconv.Atoi(args[1])
			if err != nil || port < 1 || port > 65535 {
				return usageError{fmt.Errorf("PRIVATE_PORT %q: want a port number", args[1])}
			}
			return withManager(s, func(m *berth.Manager) error {
				if err := f.checkServices(cmd.Context(), s, m, []string{service}); err != nil {
					return err
				}
				id, err := f.envID(cmd.Context(), s, m)
				if err != nil {
					return err
				}
				info, err := m.Env(cmd.Context(), id)
				if errors.Is(err, berth.ErrNoSuchEnv) {
					return fmt.Errorf("environment %s is not up (berth up brings it up; berth ps lists what is)", id)
				}
				if err != nil {
					return err
				}
				addr, ok := console.Port(info.Endpoints, service, port)
				if !ok {
					return fmt.Errorf("service %s does not publish port %d in environment %s", service, port, id)
				}
				fmt.Fprintln(s.Out, addr)
				return nil
			})
		}),
	}
	f.register(cmd.Flags())
	return cmd
}
