//go:build !linux

package pglock

import "errors"

// runHost needs Linux namespaces.
func runHost() error { return errors.New("simulated hosts need Linux") }
