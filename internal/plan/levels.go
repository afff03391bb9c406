package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Levels orders services by dependency: level 0 holds the services that
// depend on nothing, level n those whose deepest dependency is on level
// n-1. Names are sorted within a level. A dependency on an undefined
// service is an error, and so is a cycle: the error names the services on
// it, in order ("dependency cycle: a -> b -> a").
func Levels(services map[string]ServicePlan) ([][]string, error) {
	names := slices.Sorted(maps.Keys(services))
	for _, n := range names {
		for _, dep := range slices.Sorted(maps.Keys(services[n].DependsOn)) {
			if _, ok := services[dep]; !ok {
				return nil, fmt.Errorf("plan service %s: depends on undefined service %q", n, dep)
			}
		}
	}
	level := make(map[string]int, len(names))
	var levels [][]string
	for len(level) < len(names) {
		var next []string
		for _, n := range names {
			if _, done := level[n]; done {
				continue
			}
			ready := true
			for dep := range services[n].DependsOn {
				if l, ok := level[dep]; !ok || l == len(levels) {
					ready = false
					break
				}
			}
			if ready {
				next = append(next, n)
			}
		}
		if len(next) == 0 {
			return nil, cycleError(services, level)
		}
		for _, n := range next {
			level[n] = len(levels)
		}
		levels = append(levels, next)
	}
	return levels, nil
}

// cycleError finds one cycle among the services not yet levelled (every
// one of them reaches a cycle) and names it.
func cycleError(services map[string]ServicePlan, levelled map[string]int) error {
	left := func(n string) bool { _, ok := levelled[n]; return !ok }
	var start string
	for _, n := range slices.Sorted(maps.Keys(services)) {
		if left(n) {
			start = n
			break
		}
	}
	// Walk unlevelled dependencies (smallest name first) until a service repeats.
	seen := map[string]int{}
	var path []string
	for n := start; ; {
		if i, ok := seen[n]; ok {
			return fmt.Errorf("plan services: dependency cycle: %s", strings.Join(append(path[i:], n), " -> "))
		}
		seen[n] = len(path)
		path = append(path, n)
		for _, dep := range slices.Sorted(maps.Keys(services[n].DependsOn)) {
			if left(dep) {
				n = dep
				break
			}
		}
	}
}
