package doctor

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// Facts is everything doctor learned. Fields after Reachable are zero when
// the daemon could not be reached.
type Facts struct {
	Endpoint    string        `json:"endpoint"`
	Reachable   bool          `json:"reachable"`
	Unreachable string        `json:"unreachable_error,omitempty"`
	PingLatency time.Duration `json:"ping_latency_ns"`

	Version engine.Version   `json:"version"`
	Info    engine.Info      `json:"info"`
	Disk    engine.DiskUsage `json:"disk_usage"`

	ExitedContainers      int `json:"exited_containers"`
	BerthContainers       int `json:"berth_containers"`
	BerthExitedContainers int `json:"berth_exited_containers"`
	BerthNetworks         int `json:"berth_networks"`
	BerthVolumes          int `json:"berth_volumes"`

	State StateDir `json:"state_dir"`

	// Errors are facts that could not be read although the daemon answered.
	Errors []string `json:"errors,omitempty"`
}

// Daemon is what Gather needs of the gated engine.
type Daemon interface {
	engine.Engine
	StateDir(ctx context.Context) (string, error)
}

// pingTimeout bounds the reachability check so doctor answers within
// seconds even when DOCKER_HOST points at a black hole.
const pingTimeout = 3 * time.Second

// Gather asks the daemon and inspects the state directory.
func Gather(ctx context.Context, d Daemon) Facts {
	f := Facts{Endpoint: d.Endpoint()}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	start := time.Now()
	_, err := d.Ping(pctx)
	cancel()
	if err != nil {
		f.Unreachable = err.Error()
		return f
	}
	f.Reachable = true
	f.PingLatency = time.Since(start)
	note := func(err error) {
		if err != nil {
			f.Errors = append(f.Errors, err.Error())
		}
	}
	var e1, e2, e3 error
	f.Version, e1 = d.Version(ctx)
	f.Info, e2 = d.Info(ctx)
	f.Disk, e3 = d.DiskUsage(ctx)
	note(e1)
	note(e2)
	note(e3)
	note(countContainers(ctx, d, &f))
	nets, err := d.NetworkList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: ""}})
	note(err)
	f.BerthNetworks = len(nets)
	vols, err := d.VolumeList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: ""}})
	note(err)
	f.BerthVolumes = len(vols)
	f.State = checkStateDir(ctx, d)
	return f
}

func countContainers(ctx context.Context, d Daemon, f *Facts) error {
	all, err := d.ContainerList(ctx, engine.ListFilter{All: true})
	if err != nil {
		return err
	}
	for _, c := range all {
		exited := c.State == "exited" || c.State == "dead"
		if exited {
			f.ExitedContainers++
		}
		if labels.Owned(c.Labels) {
			f.BerthContainers++
			if exited {
				f.BerthExitedContainers++
			}
		}
	}
	return nil
}
