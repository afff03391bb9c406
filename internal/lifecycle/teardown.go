package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/labels"
)

// TeardownOptions tune [Teardown]. The zero value is the safe default.
type TeardownOptions struct {
	// Stop is passed to [StopAll]: the zero value uses each container's
	// own stop signal and grace period.
	Stop StopOptions
	Log  *slog.Logger
	// FilesDir is [UpOptions.FilesDir]: the environment's written secrets
	// and configs are removed once its containers are gone.
	FilesDir string
	// State, when set, is the state tearing down: a container, network or
	// volume another state stamped is left alone (invariant 3), and the
	// teardown ends with a [*failure.ForeignError] naming them.
	State *labels.Identity
}

// TeardownResult says what [Teardown] did.
type TeardownResult struct {
	Containers []Result // one per container found, in list order
	Networks   int      // networks removed (or found gone)
	Volumes    int      // volumes removed (or found gone)
	Took       time.Duration
	// Foreign are the resources left alone: another state's.
	Foreign []string
}

// Teardown takes environment envID down: every container, network and
// volume labelled dev.berth.env=envID, found by label (so it works without
// berth's store, and for an environment only partly created).
//
// All containers stop at once with [StopAll], each with its own stop
// signal and grace period, so a teardown takes about the longest grace
// period. Docker Compose stops dependents first, one dependency level
// after another, which costs the sum of the levels' grace periods (13.4 s
// against 3 s for six services waiting 3 s each, see FIELD-NOTES). The
// price of the parallel stop: a dependent may see its dependency go away
// during its own shutdown and log connection errors. For test
// environments, time matters more.
//
// Then the networks go ([RemoveNetwork]) and the named volumes
// (VolumeRemove, never forced), and the written secrets and configs once
// no container mounts them ([RemoveFiles]). A container that will not stop is left in
// place and reported as a [*NotStoppedError]; its networks and volumes
// stay too, and the error says so. Everything already gone counts as done,
// so Teardown is idempotent.
func Teardown(ctx context.Context, e engine.Engine, envID string, o TeardownOptions) (TeardownResult, error) {
	if envID == "" {
		return TeardownResult{}, fmt.Errorf("tear down environment: empty environment ID")
	}
	start := time.Now()
	var res TeardownResult
	mine := map[string]string{labels.Env: envID}
	cs, err := e.ContainerList(ctx, engine.ListFilter{All: true, Labels: mine})
	if err != nil {
		return res, fmt.Errorf("tear down %s: list containers: %w", envID, err)
	}
	ids := make([]string, 0, len(cs))
	owner := ""
	foreign := func(kind, name string, m map[string]string) bool {
		if o.State == nil {
			return false
		}
		f := o.State.Foreign(m)
		if f != "" {
			res.Foreign = append(res.Foreign, kind+" "+name)
			owner = f
		}
		return f != ""
	}
	for _, c := range cs {
		if !foreign("container", c.Name, c.Labels) {
			ids = append(ids, c.ID)
		}
	}
	res.Containers, err = StopAll(ctx, e, ids, o.Stop)
	errs := []error{err}
	var notStopped *NotStoppedError
	if errors.As(err, &notStopped) {
		errs = append(errs, errors.New("containers that would not stop keep their networks and volumes; `berth gc` retries them"))
	}
	n, err := removeNetworks(ctx, e, envID, foreign)
	res.Networks = n
	errs = append(errs, err)
	n, err = removeVolumes(ctx, e, envID, foreign)
	res.Volumes = n
	errs = append(errs, err)
	if notStopped == nil {
		errs = append(errs, RemoveFiles(o.FilesDir, envID))
	}
	if len(res.Foreign) > 0 {
		errs = append(errs, &failure.ForeignError{EnvID: envID, Owner: owner, Resources: res.Foreign})
	}
	res.Took = time.Since(start)
	if o.Log != nil {
		o.Log.Debug("environment torn down", "env", envID, "containers", len(ids),
			"networks", res.Networks, "volumes", res.Volumes, "took", res.Took)
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("tear down %s: %w", envID, err)
	}
	return res, nil
}

// removeNetworks removes the networks of envID; n counts those removed.
func removeNetworks(ctx context.Context, e engine.Engine, envID string, foreign func(kind, name string, m map[string]string) bool) (n int, err error) {
	ns, err := e.NetworkList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: envID}})
	if err != nil {
		return 0, fmt.Errorf("list networks: %w", err)
	}
	owned := func(m map[string]string) bool { return m[labels.Env] == envID }
	var errs []error
	for _, nw := range ns {
		if foreign("network", nw.Name, nw.Labels) {
			continue
		}
		if err := RemoveNetwork(ctx, e, nw.ID, owned); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// removeVolumes removes the named volumes of envID, without force; n
// counts those removed.
func removeVolumes(ctx context.Context, e engine.Engine, envID string, foreign func(kind, name string, m map[string]string) bool) (n int, err error) {
	vs, err := e.VolumeList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: envID}})
	if err != nil {
		return 0, fmt.Errorf("list volumes: %w", err)
	}
	var errs []error
	for _, v := range vs {
		if v.Labels[labels.Env] != envID {
			continue // the daemon filtered; this is a second guard
		}
		if foreign("volume", v.Name, v.Labels) {
			continue
		}
		err := e.VolumeRemove(ctx, v.Name)
		if err != nil && !errors.Is(err, engine.ErrNotFound) {
			errs = append(errs, fmt.Errorf("remove volume %s: %w", v.Name, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
