package plan_test

import (
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/compose"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
)

// The order read back from the labels Build stamps is Build's own.
func TestOrderFromBuildLabels(t *testing.T) {
	proj := &compose.Project{Name: "j", Services: []compose.Service{
		{Name: "app", Image: "x", DependsOn: map[string]compose.Condition{
			"migrate": compose.ServiceCompletedSuccessfully, "db": compose.ServiceHealthy}},
		{Name: "db", Image: "x"},
		{Name: "migrate", Image: "x", DependsOn: map[string]compose.Condition{"db": compose.ServiceCompletedSuccessfully}},
	}}
	p, err := plan.Build(proj, plan.Identity{EnvID: "j-1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	byService := map[string]map[string]string{}
	for name, sp := range p.Services {
		byService[name] = sp.Spec.Labels
	}
	services, levels, err := plan.OrderFromLabels(byService)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(levels, p.Levels, slices.Equal) {
		t.Errorf("levels from labels = %v, plan's = %v", levels, p.Levels)
	}
	for name, sp := range p.Services {
		if services[name].Job != sp.Job {
			t.Errorf("%s: job from labels %v, plan's %v", name, services[name].Job, sp.Job)
		}
	}
}

// Hand-written labels: a dependency with no container is left out.
func TestOrderFromLabels(t *testing.T) {
	byService := map[string]map[string]string{
		"db":      {labels.DependsOn: ""},
		"migrate": {labels.DependsOn: "db", labels.Job: "true"},
		"api":     {labels.DependsOn: "db,migrate"},
		"web":     {labels.DependsOn: "api,gone"}, // gone: no container
	}
	services, levels, err := plan.OrderFromLabels(byService)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"db"}, {"migrate"}, {"api"}, {"web"}}
	if !slices.EqualFunc(levels, want, slices.Equal) {
		t.Errorf("levels = %v, want %v", levels, want)
	}
	if !services["migrate"].Job || services["api"].Job {
		t.Errorf("jobs: migrate %v, api %v; want true, false", services["migrate"].Job, services["api"].Job)
	}
	if _, ok := services["web"].DependsOn["gone"]; ok {
		t.Error("a dependency with no container was kept")
	}
}

// Containers of an older berth carry no order: one level.
func TestOrderFromLabelsUnstamped(t *testing.T) {
	_, levels, err := plan.OrderFromLabels(map[string]map[string]string{"a": {}, "b": {}})
	if err != nil {
		t.Fatal(err)
	}
	if len(levels) != 1 || !slices.Equal(levels[0], []string{"a", "b"}) {
		t.Errorf("levels = %v, want [[a b]]", levels)
	}
}
