package docker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerStats takes one resource sample of a running container without
// waiting for a second one (one-shot), so CPUPercent is 0 unless the daemon
// included a previous sample.
func (e *Engine) ContainerStats(ctx context.Context, id string) (engine.Stats, error) {
	const op = engine.OpContainerStats
	res, err := e.cli.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return engine.Stats{}, wrap(op, err)
	}
	defer res.Body.Close()
	var s container.StatsResponse
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		return engine.Stats{}, wrap(op, fmt.Errorf("decode stats of container %s: %w", id, err))
	}
	return statsFromResponse(s), nil
}

// statsFromResponse computes berth's sample the way the docker CLI does:
// memory usage minus inactive page cache (cgroup v1 "total_inactive_file",
// cgroup v2 "inactive_file", else v1 "cache"), and CPU percent from the
// delta to the previous sample when there is one.
func statsFromResponse(s container.StatsResponse) engine.Stats {
	return engine.Stats{
		MemoryUsage: int64(memoryWithoutCache(s.MemoryStats)),
		MemoryLimit: int64(s.MemoryStats.Limit),
		CPUPercent:  cpuPercent(s),
	}
}

func memoryWithoutCache(m container.MemoryStats) uint64 {
	for _, key := range []string{"total_inactive_file", "inactive_file", "cache"} {
		if v, ok := m.Stats[key]; ok {
			if v < m.Usage {
				return m.Usage - v
			}
			return m.Usage
		}
	}
	return m.Usage
}

func cpuPercent(s container.StatsResponse) float64 {
	cur, pre := s.CPUStats, s.PreCPUStats
	if pre.SystemUsage == 0 || cur.SystemUsage <= pre.SystemUsage || cur.CPUUsage.TotalUsage <= pre.CPUUsage.TotalUsage {
		return 0
	}
	cpus := float64(cur.OnlineCPUs)
	if cpus == 0 {
		cpus = float64(len(cur.CPUUsage.PercpuUsage))
	}
	cpuDelta := float64(cur.CPUUsage.TotalUsage - pre.CPUUsage.TotalUsage)
	sysDelta := float64(cur.SystemUsage - pre.SystemUsage)
	return cpuDelta / sysDelta * cpus * 100
}
