package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

func newVersion(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print berth's version",
		Args:  cobra.NoArgs,
		RunE: wrap(func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(s.Out, "berth %s %s/%s %s\n", berth.Version(), runtime.GOOS, runtime.GOARCH, runtime.Version())
			return err
		}),
	}
}
