package live

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

const mib = 1 << 20

func TestEvaluateQuotesTheAuditsFigures(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f := Facts{Endpoint: "unix:///var/run/docker.sock", Reachable: true, Now: now, StaleAfter: 4 * time.Hour,
		Info: engine.Info{ServerVersion: "20.10.24", NCPU: 4, MemTotal: 2048 * mib, ContainersRunning: 3},
		Disk: engine.DiskUsage{
			Images:     engine.UsageCategory{Count: 10, Active: 2, Size: 5_000_000_000, Reclaimable: 2_250_000_000},
			BuildCache: engine.UsageCategory{Count: 40, Size: 11_110_000_000, Reclaimable: 11_110_000_000},
			VolumeItems: []engine.VolumeUsage{
				{Name: "used", RefCount: 1, Size: 10},
				{Name: "old-data", RefCount: 0, Size: 3 * mib},
				{Name: "berth-vol", RefCount: 0, Size: 1 * mib, Labels: map[string]string{labels.Env: "e1"}},
			},
		},
		Containers: []Container{
			{ContainerSummary: engine.ContainerSummary{ID: "aaaaaaaaaaaaaaaa", Name: "backend", State: "running"},
				MemoryLimit: 512 * mib, Inspected: true, Sample: &engine.Stats{MemoryUsage: 379 * mib}},
			{ContainerSummary: engine.ContainerSummary{ID: "b", Name: "frontend", State: "running"},
				MemoryLimit: 256 * mib, Inspected: true, Sample: &engine.Stats{MemoryUsage: 64 * mib}},
			{ContainerSummary: engine.ContainerSummary{ID: "c", Name: "db", State: "running"}, Inspected: true},
			{ContainerSummary: engine.ContainerSummary{ID: "d", Name: "old", State: "exited", Status: "Exited (1) 2 hours ago",
				Created: now.Add(-3 * time.Hour)}},
			{ContainerSummary: engine.ContainerSummary{ID: "e", Name: "never", State: "created", Created: now.Add(-time.Minute),
				Labels: map[string]string{labels.Env: "stale1", labels.Created: now.Add(-5 * time.Hour).Format(time.RFC3339),
					labels.ComposeProject: "demo"}}},
			{ContainerSummary: engine.ContainerSummary{ID: "f", Name: "fresh", State: "running",
				Labels: map[string]string{labels.Env: "fresh1", labels.Created: now.Add(-time.Hour).Format(time.RFC3339)}}},
		},
	}
	r := Evaluate(f)
	require.True(t, r.Checked)
	assert.Contains(t, r.Lines, "Build Cache: 11.11GB (100% reclaimable)")
	assert.Contains(t, r.Lines, "Images: 5GB (45% reclaimable)")
	assert.Contains(t, r.Lines, "backend: 379MiB/512MiB (74.02% - HIGH)")
	assert.Contains(t, r.Lines, "frontend: 64MiB/256MiB (25.00%)")
	assert.Contains(t, r.Lines, "Memory limits of running containers: 768MiB of 2GiB daemon memory (37.50%), 1 running without a limit")

	require.Len(t, r.Memory, 2)
	assert.Equal(t, MemoryUse{ID: "aaaaaaaaaaaa", Name: "backend", Usage: 379 * mib, Limit: 512 * mib, Percent: 379.0 * 100 / 512, High: true}, r.Memory[0])
	assert.Equal(t, []string{"db"}, r.NoLimit, "a running container that was not inspected (fresh) is not judged")
	assert.Equal(t, []Stopped{
		{ID: "d", Name: "old", State: "exited", Status: "Exited (1) 2 hours ago", Age: 3 * 3600},
		{ID: "e", Name: "never", State: "created", Age: 60, Berth: true},
	}, r.Stopped)
	assert.Equal(t, []Volume{{Name: "old-data", Size: 3 * mib}, {Name: "berth-vol", Size: mib, Berth: true}}, r.Volumes)
	assert.Equal(t, []Env{{ID: "stale1", Project: "demo", Age: 5 * 3600, StaleAfter: 4 * 3600, Containers: 1}}, r.StaleEnv)
	assert.False(t, r.Commit.Overcommitted)
	assert.Contains(t, r.Alerts, "1 container(s) at or above 70 % of their memory limit")
	assert.Contains(t, r.Alerts, "1 berth environment(s) past their stale age (berth gc takes them down)")
}

func TestOvercommitment(t *testing.T) {
	f := Facts{Reachable: true, Info: engine.Info{MemTotal: 100 * mib}, Containers: []Container{
		{ContainerSummary: engine.ContainerSummary{ID: "a", State: "running"}, MemoryLimit: 80 * mib, Inspected: true},
		{ContainerSummary: engine.ContainerSummary{ID: "b", State: "running"}, MemoryLimit: 80 * mib, Inspected: true},
	}}
	r := Evaluate(f)
	assert.True(t, r.Commit.Overcommitted)
	assert.InDelta(t, 160.0, r.Commit.Percent, 0.001)
	assert.Contains(t, r.Alerts[0], "exceed the daemon's memory")
}

func TestUnreachable(t *testing.T) {
	r := Evaluate(Facts{Endpoint: "unix:///dead.sock", Unreachable: "connection refused"})
	assert.False(t, r.Checked)
	assert.Equal(t, "cannot reach the Docker daemon at unix:///dead.sock: connection refused", r.Reason)
	assert.NotNil(t, r.Stopped, "lists are empty, not null, in JSON")
}
