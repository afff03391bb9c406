// Package integrations holds the end-to-end tests of the integrations in
// /integrations and /berthtest: the pytest plugin run by real pytest and
// pytest-xdist processes, three example packages run by a real `go test
// -p 4`, and the GitHub Actions scripts run with GitHub's variables faked,
// each against the real daemon with real berth processes (this package's
// test binary re-executed as berth, found on PATH as `berth`). The tests
// are Linux-only (FIFOs, flock, pidfd); it has no non-test code.
package integrations
