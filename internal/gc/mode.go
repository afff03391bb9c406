package gc

import "fmt"

// Mode selects how far a cleanup reaches.
type Mode int

// Modes, from the narrowest.
const (
	// Safe touches only berth-labelled resources (the default).
	Safe Mode = iota
	// Normal adds unused berth volumes and dangling berth images.
	Normal
	// Deep adds every unused image and volume on the daemon and the build
	// cache: global, so the command asks for confirmation.
	Deep
)

var modeNames = []string{"safe", "normal", "deep"}

func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// MarshalText writes the mode's name.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// ParseMode reads "safe", "normal" or "deep".
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if s == n {
			return Mode(i), nil
		}
	}
	return Safe, fmt.Errorf("unknown gc mode %q: want safe, normal or deep", s)
}
