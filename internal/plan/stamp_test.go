package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
)

func TestStampLabelsEveryResource(t *testing.T) {
	p := &Plan{
		Networks: []NetworkPlan{{Key: "default", Spec: engine.NetworkSpec{Labels: map[string]string{"a": "1"}}}},
		Volumes:  []VolumePlan{{Key: "data"}},
		Builds:   []BuildPlan{{Service: "api"}},
		Services: map[string]ServicePlan{"api": {Name: "api"}, "db": {Name: "db", Spec: engine.ContainerSpec{Labels: map[string]string{"b": "2"}}}},
	}
	p.Stamp("k", "v")
	assert.Equal(t, map[string]string{"a": "1", "k": "v"}, p.Networks[0].Spec.Labels)
	assert.Equal(t, map[string]string{"k": "v"}, p.Volumes[0].Spec.Labels)
	assert.Equal(t, map[string]string{"k": "v"}, p.Builds[0].Labels)
	assert.Equal(t, map[string]string{"k": "v"}, p.Services["api"].Spec.Labels)
	assert.Equal(t, map[string]string{"b": "2", "k": "v"}, p.Services["db"].Spec.Labels)
}
