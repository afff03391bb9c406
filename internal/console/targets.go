package console

import (
	"fmt"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/failure"
)

// Pick returns, sorted by service, the containers of services among all
// (environment envID's service containers; when a service has several,
// the last counts); every service when services is empty. A service that
// is not among them is refused as bad input, naming the ones there are.
func Pick(envID string, all []Target, services []string) ([]Target, error) {
	byService := map[string]string{}
	var names []string
	for _, t := range all {
		if _, dup := byService[t.Service]; !dup {
			names = append(names, t.Service)
		}
		byService[t.Service] = t.Container
	}
	if len(services) == 0 {
		services = names
	}
	var out []Target
	for _, s := range services {
		c, ok := byService[s]
		if !ok {
			return nil, failure.Input(fmt.Errorf("environment %s has no service %q (services: %s)", envID, s, strings.Join(names, ", ")))
		}
		out = append(out, Target{Service: s, Container: c})
	}
	slices.SortStableFunc(out, func(a, b Target) int { return strings.Compare(a.Service, b.Service) })
	return out, nil
}

// CheckServices refuses as bad input any of wanted that compose project
// project does not define.
func CheckServices(project string, defined, wanted []string) error {
	for _, s := range wanted {
		if !slices.Contains(defined, s) {
			return failure.Input(fmt.Errorf("project %s has no service %q (services: %s)", project, s, strings.Join(defined, ", ")))
		}
	}
	return nil
}
