package acquire

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

func TestPlanNeed(t *testing.T) {
	p := &plan.Plan{Services: map[string]plan.ServicePlan{
		"api":   {Spec: engine.ContainerSpec{MemoryLimit: 512 << 20}},
		"db":    {Spec: engine.ContainerSpec{MemoryLimit: 1 << 30}},
		"cache": {},
	}}
	need, unlimited := planNeed(p)
	assert.Equal(t, int64(1536<<20), need)
	assert.Equal(t, []string{"cache"}, unlimited)
}
