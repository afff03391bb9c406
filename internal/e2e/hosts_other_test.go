//go:build !linux

package e2e

// hostRole and runHost: simulated hosts need Linux namespaces.
const hostRole = "host"

func runHost() int { return 2 }
