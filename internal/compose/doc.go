// Package compose loads compose files into a berth [Project] with
// compose-spec/compose-go: several files merged, .env, interpolation,
// profiles and extends. Every key berth does not support is an error that
// names the file and key: nothing is silently ignored. Loading is pure
// (files in, Project out) and makes no Docker call.
package compose
