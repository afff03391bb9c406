package docker

import (
	"maps"
	"slices"

	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// labelFilters returns daemon filters selecting objects that carry every
// label of labels: "key" when the value is empty (any value), else
// "key=value". A nil or empty map gives empty filters.
func labelFilters(labels map[string]string) client.Filters {
	f := client.Filters{}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if v := labels[k]; v == "" {
			f.Add("label", k)
		} else {
			f.Add("label", k+"="+v)
		}
	}
	return f
}

// listFilters converts an [engine.ListFilter] to daemon filters: labels
// and name. All is a query option, not a filter.
func listFilters(lf engine.ListFilter) client.Filters {
	f := labelFilters(lf.Labels)
	if lf.Name != "" {
		f.Add("name", lf.Name)
	}
	return f
}
