// Package e2e holds berth's end-to-end tests: real berth processes (this
// package's test binary re-executed as the berth command) against the real
// daemon and the demo stack. It has no non-test code.
package e2e
