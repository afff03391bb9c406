package plan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/compose"
)

func TestPullsOnePerImageWithTheMostEagerPolicy(t *testing.T) {
	missing := compose.PullPolicy{Mode: compose.PullMissing}
	never := compose.PullPolicy{Mode: compose.PullNever}
	always := compose.PullPolicy{Mode: compose.PullAlways}
	daily := compose.PullPolicy{Mode: compose.PullRefresh, Every: 24 * time.Hour}
	hourly := compose.PullPolicy{Mode: compose.PullRefresh, Every: time.Hour}
	got := pulls([]compose.Service{
		{Name: "web", Image: "registry.test/web:1", Pull: missing},
		{Name: "worker", Image: "registry.test/web:1", Pull: always},
		{Name: "db", Image: "postgres:16", Pull: never},
		{Name: "cache", Image: "redis:7", Pull: daily},
		{Name: "cache2", Image: "redis:7", Pull: hourly},
		{Name: "cache3", Image: "redis:7", Pull: missing},
		{Name: "api", Image: "registry.test/api:1", Build: &compose.Build{Context: "/src"}, Pull: always},
	})
	assert.Equal(t, []PullPlan{
		{Image: "postgres:16", Policy: never, Services: []string{"db"}},
		{Image: "redis:7", Policy: hourly, Services: []string{"cache", "cache2", "cache3"}},
		{Image: "registry.test/web:1", Policy: always, Services: []string{"web", "worker"}},
	}, got, "built services are not pulled; one pull per image")
}
