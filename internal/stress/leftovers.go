package stress

import (
	"context"
	"errors"

	"github.com/berth-dev/berth/internal/engine"
)

// Leftovers lists the containers, networks and volumes that carry label
// key and that mine accepts, as "container NAME (STATE)", "network NAME
// ID" and "volume NAME".
func Leftovers(ctx context.Context, e engine.Engine, key string, mine func(map[string]string) bool) ([]string, error) {
	f := engine.ListFilter{All: true, Labels: map[string]string{key: ""}}
	var out []string
	cs, cerr := e.ContainerList(ctx, f)
	for _, c := range cs {
		if mine(c.Labels) {
			out = append(out, "container "+c.Name+" ("+c.State+")")
		}
	}
	ns, nerr := e.NetworkList(ctx, f)
	for _, n := range ns {
		if mine(n.Labels) {
			out = append(out, "network "+n.Name+" "+n.ID)
		}
	}
	vs, verr := e.VolumeList(ctx, f)
	for _, v := range vs {
		if mine(v.Labels) {
			out = append(out, "volume "+v.Name)
		}
	}
	return out, errors.Join(cerr, nerr, verr)
}
