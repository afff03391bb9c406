package cli

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v4"

	"github.com/berth-dev/berth"
)

type configFlags struct {
	envFlags
	format string
	hash   bool
}

func newConfig(s Streams) *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "config [-f FILE]... [-p NAME] [--dedicated] [--production] [--format yaml|json] [--hash]",
		Short: "Print the effective configuration and the environment it maps to",
		Long: `config prints the configuration berth uses for the compose files: after
merge, interpolation, profiles, x-berth and production overrides, with the
ports as the environment publishes them (a dedicated copy's host ports are
ephemeral), and the environment ID it maps to. Two runners share an
environment exactly when their IDs are equal. --hash prints only the ID
(for --dedicated the shared ID: each copy gets its own). It makes no Docker
call; secret and config contents are never printed.`,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if f.format != "yaml" && f.format != "json" {
				return usageError{fmt.Errorf("--format %q: want yaml or json", f.format)}
			}
			return nil
		},
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				c, err := m.Config(cmd.Context(), f.options(s))
				if err != nil {
					return err
				}
				if f.hash {
					if c.Note != "" {
						fmt.Fprintf(s.Err, "berth: %s\n", c.Note)
					}
					fmt.Fprintln(s.Out, c.Environment)
					return nil
				}
				b, err := json.MarshalIndent(c, "", "  ")
				if err != nil {
					return err
				}
				if f.format == "json" {
					_, err = fmt.Fprintf(s.Out, "%s\n", b)
					return err
				}
				var doc map[string]any
				dec := json.NewDecoder(bytes.NewReader(b))
				dec.UseNumber() // sizes stay whole numbers in YAML
				if err := dec.Decode(&doc); err != nil {
					return err
				}
				numbers(doc)
				out, err := yaml.Marshal(doc)
				if err != nil {
					return err
				}
				_, err = s.Out.Write(out)
				return err
			})
		}),
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&f.format, "format", "yaml", "output: yaml or json")
	cmd.Flags().BoolVar(&f.hash, "hash", false, "print only the environment ID the configuration maps to")
	return cmd
}

// numbers turns the JSON numbers in v into ints (or floats) for YAML.
func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
