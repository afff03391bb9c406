// Package config reads berth's settings from the environment and validates
// them before anything talks to Docker (docs/design.md invariant 7): a bad value
// is a [*SettingError] naming the variable, which the CLI maps to exit 2.
//
// Durations accept Go syntax ("30s", "5m") and plain seconds ("30", "0.5").
package config
