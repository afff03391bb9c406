package gc

import "time"

// Defaults.
const (
	// DefaultStaleAfter is the age past which an environment with no live
	// lease is taken down whatever its linger.
	DefaultStaleAfter = 4 * time.Hour
	// DefaultMinAge is how old a resource must be before gc may call it an
	// orphan: an environment being created is protected by its lock, and
	// this is the second guard.
	DefaultMinAge = 5 * time.Minute
)

// Settings are a cleanup's choices.
type Settings struct {
	Mode Mode
	// StaleAfter, when set, overrides every environment's stale age
	// (--stale-after, BERTH_STALE_AFTER). Otherwise an environment's own
	// x-berth.stale_after applies, else [DefaultStaleAfter].
	StaleAfter *time.Duration
	// MinAge is the age below which nothing is an orphan or an unused
	// image or volume.
	MinAge time.Duration
}

// staleAfter is the stale age of an environment whose project set own
// (0 = not set).
func (s Settings) staleAfter(own time.Duration) time.Duration {
	switch {
	case s.StaleAfter != nil:
		return *s.StaleAfter
	case own > 0:
		return own
	}
	return DefaultStaleAfter
}

// StaleAge is the stale age of an environment whose project sets none:
// also the age at which a pooled copy is stale (internal/pool).
func (s Settings) StaleAge() time.Duration { return s.staleAfter(0) }
