package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// RemoveNetwork removes berth network id once nothing is attached to it.
//
// owned narrows which resources count as this caller's (for example "of
// environment X"); it is applied to the network's labels and to every
// attached container's labels, on top of [labels.Owned]. A nil owned
// means [labels.Owned] alone.
//
// A network that is not owned is refused with an error wrapping
// [ErrNotOwned]. Attached containers that are owned and not running are
// disconnected; if any attached container is running, or is not owned,
// nothing is disconnected and the error is a [*NetworkInUseError]. The
// network is removed only when a fresh inspection shows no endpoints.
// "Not found" counts as done.
func RemoveNetwork(ctx context.Context, e engine.Engine, id string, owned func(labels map[string]string) bool) error {
	mine := func(m map[string]string) bool {
		return labels.Owned(m) && (owned == nil || owned(m))
	}
	n, err := e.NetworkInspect(ctx, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect network %s: %w", id, err)
	}
	if !mine(n.Labels) {
		return fmt.Errorf("remove network %s (%s): %w: refusing to touch it", n.Name, shortID(n.ID), ErrNotOwned)
	}
	if len(n.Containers) > 0 {
		if err := detachStopped(ctx, e, n, mine); err != nil {
			return err
		}
		if n, err = e.NetworkInspect(ctx, n.ID); errors.Is(err, engine.ErrNotFound) {
			return nil
		} else if err != nil {
			return fmt.Errorf("inspect network %s: %w", id, err)
		}
		if len(n.Containers) > 0 {
			return &NetworkInUseError{ID: n.ID, Name: n.Name,
				Err: fmt.Errorf("%d container(s) attached again after disconnect", len(n.Containers))}
		}
	}
	err = e.NetworkRemove(ctx, n.ID)
	if err == nil || errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	// Daemons disagree on the kind of "has active endpoints" (409 or 403):
	// the network's state decides whether it is in use.
	if now, ierr := e.NetworkInspect(ctx, n.ID); errors.Is(ierr, engine.ErrNotFound) {
		return nil
	} else if ierr == nil && len(now.Containers) > 0 {
		return &NetworkInUseError{ID: n.ID, Name: n.Name, Err: err}
	}
	return fmt.Errorf("remove network %s: %w", n.Name, err)
}

// detachStopped disconnects every container attached to n, provided all of
// them are mine and not running; otherwise it disconnects nothing and
// returns a [*NetworkInUseError].
func detachStopped(ctx context.Context, e engine.Engine, n engine.Network, mine func(map[string]string) bool) error {
	inUse := &NetworkInUseError{ID: n.ID, Name: n.Name}
	var detach []string
	for _, cid := range n.Containers {
		c, err := e.ContainerInspect(ctx, cid)
		if errors.Is(err, engine.ErrNotFound) {
			continue // gone meanwhile; the re-inspection decides
		}
		if err != nil {
			return fmt.Errorf("inspect container %s on network %s: %w", shortID(cid), n.Name, err)
		}
		switch {
		case !mine(c.Labels):
			inUse.Foreign = append(inUse.Foreign, c.Name)
		case isRunning(c.State):
			inUse.Running = append(inUse.Running, c.Name)
		default:
			detach = append(detach, c.ID)
		}
	}
	if len(inUse.Foreign)+len(inUse.Running) > 0 {
		return inUse
	}
	for _, cid := range detach {
		err := e.NetworkDisconnect(ctx, n.ID, cid)
		if err != nil && !errors.Is(err, engine.ErrNotFound) {
			return fmt.Errorf("disconnect container %s from network %s: %w", shortID(cid), n.Name, err)
		}
	}
	return nil
}
