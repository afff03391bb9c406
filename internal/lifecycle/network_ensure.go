package lifecycle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// Locker hands out named locks shared by every berth process on this host
// (the lead's implementation holds flock files in the state directory).
// Acquire blocks until it holds the lock or ctx ends; release frees it.
type Locker interface {
	Acquire(ctx context.Context, name string) (release func() error, err error)
}

// EnsureNetwork returns the one network named spec.Name, creating it when
// none exists. Concurrent callers, in threads or in separate processes,
// converge on the same network: they serialize on the lock
// "network-<name>", and a creator that bypassed the lock is caught by the
// daemon's duplicate check or by the dedupe that follows.
//
// When several networks share the name the oldest (by creation time, then
// ID) is the one; the others that berth owns and nothing uses are removed
// on a best-effort basis ([PruneDuplicateNetworks] reports failures). Use
// the returned ID, not the name, to refer to the network. An existing
// network of that name that berth does not own is refused with an error
// wrapping [ErrNotOwned].
func EnsureNetwork(ctx context.Context, e engine.Engine, locker Locker, spec engine.NetworkSpec) (n engine.Network, err error) {
	release, err := locker.Acquire(ctx, "network-"+spec.Name)
	if err != nil {
		return engine.Network{}, fmt.Errorf("ensure network %s: %w", spec.Name, err)
	}
	defer func() {
		if rerr := release(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("release network lock %s: %w", spec.Name, rerr))
		}
	}()
	return ensureNetworkLocked(ctx, e, spec)
}

// ensureNetworkLocked is [EnsureNetwork] with the network's lock held.
func ensureNetworkLocked(ctx context.Context, e engine.Engine, spec engine.NetworkSpec) (engine.Network, error) {
	found, err := listExact(ctx, e, spec.Name)
	if err != nil {
		return engine.Network{}, fmt.Errorf("ensure network %s: %w", spec.Name, err)
	}
	if len(found) == 0 {
		spec.CheckDuplicate = true
		_, cerr := e.NetworkCreate(ctx, spec)
		// ErrConflict: a creator elsewhere won the race. ErrTransient
		// (e.g. "network is ambiguous"): duplicates exist. Either way the
		// list below finds the network to use.
		if cerr != nil && !errors.Is(cerr, engine.ErrConflict) && !errors.Is(cerr, engine.ErrTransient) {
			return engine.Network{}, fmt.Errorf("create network %s: %w", spec.Name, cerr)
		}
		if found, err = listExact(ctx, e, spec.Name); err != nil {
			return engine.Network{}, fmt.Errorf("ensure network %s: %w", spec.Name, errors.Join(cerr, err))
		}
		if len(found) == 0 {
			return engine.Network{}, fmt.Errorf("ensure network %s: created but not listed: %w", spec.Name, errors.Join(cerr, engine.ErrNotFound))
		}
	}
	keep := oldest(found)
	if !labels.Owned(keep.Labels) {
		return engine.Network{}, fmt.Errorf("ensure network %s (%s) exists: %w; remove or rename it", spec.Name, shortID(keep.ID), ErrNotOwned)
	}
	if f := foreignTo(spec.Labels, keep.Labels); f != "" {
		return engine.Network{}, fmt.Errorf("ensure network %s (%s) exists, made by another berth state directory (%s): %w; it is not used, nor removed",
			spec.Name, shortID(keep.ID), f, ErrNotOwned)
	}
	if len(found) > 1 {
		_ = pruneDuplicates(ctx, e, keep, found) // best effort; see doc
	}
	return keep, nil
}

// PruneDuplicateNetworks keeps the oldest network named name and removes
// the other networks of that exact name that berth owns and nothing uses
// (with [RemoveNetwork]'s rules). keep is the oldest one (zero when none
// exists). err joins the failures, except duplicates left because they
// are in use or not berth's.
func PruneDuplicateNetworks(ctx context.Context, e engine.Engine, name string) (keep engine.Network, err error) {
	found, err := listExact(ctx, e, name)
	if err != nil || len(found) == 0 {
		return engine.Network{}, err
	}
	keep = oldest(found)
	return keep, pruneDuplicates(ctx, e, keep, found)
}

func pruneDuplicates(ctx context.Context, e engine.Engine, keep engine.Network, found []engine.Network) error {
	var errs []error
	for _, n := range found {
		if n.ID == keep.ID || !labels.Owned(n.Labels) || foreignTo(keep.Labels, n.Labels) != "" {
			continue // the one kept, not berth's, or another state's
		}
		err := RemoveNetwork(ctx, e, n.ID, nil)
		var inUse *NetworkInUseError
		if err != nil && !errors.As(err, &inUse) && !errors.Is(err, ErrNotOwned) {
			errs = append(errs, fmt.Errorf("remove duplicate network %s (%s): %w", n.Name, shortID(n.ID), err))
		}
	}
	return errors.Join(errs...)
}

// listExact lists the networks named exactly name (the daemon's name
// filter matches substrings).
func listExact(ctx context.Context, e engine.Engine, name string) ([]engine.Network, error) {
	all, err := e.NetworkList(ctx, engine.ListFilter{Name: name})
	if err != nil {
		return nil, fmt.Errorf("list networks named %s: %w", name, err)
	}
	return slices.DeleteFunc(all, func(n engine.Network) bool { return n.Name != name }), nil
}

// oldest returns the network created first, ties broken by the smaller ID,
// so every process picks the same one. found must not be empty.
func oldest(found []engine.Network) engine.Network {
	return slices.MinFunc(found, func(a, b engine.Network) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
