package plan

import (
	"strings"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/labels"
)

// OrderFromLabels rebuilds the dependency order of an environment from
// its containers' labels (service name -> labels), as [Build] stamped
// them ([labels.DependsOn], [labels.Job]): services with DependsOn
// (waiting for each dependency to be ready) and Job set, and their
// [Levels]. A dependency on a service with no container is left out.
// Containers made before berth stamped the order carry none: every
// service is then on level 0 (started together, each waited for).
func OrderFromLabels(byService map[string]map[string]string) (map[string]ServicePlan, [][]string, error) {
	services := make(map[string]ServicePlan, len(byService))
	for name, l := range byService {
		sp := ServicePlan{Name: name, Job: l[labels.Job] == "true"}
		for _, dep := range strings.Split(l[labels.DependsOn], ",") {
			if _, ok := byService[dep]; ok && dep != name {
				if sp.DependsOn == nil {
					sp.DependsOn = map[string]compose.Condition{}
				}
				sp.DependsOn[dep] = compose.ServiceHealthy
			}
		}
		services[name] = sp
	}
	levels, err := Levels(services)
	if err != nil {
		return nil, nil, err
	}
	return services, levels, nil
}
