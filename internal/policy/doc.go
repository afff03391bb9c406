// Package policy holds berth's pure decisions about when to act: the
// circuit breaker's state machine and the rate budget's schedule. Nothing
// here does I/O or reads the clock; callers pass "now" in, and persist the
// small state values wherever they are shared (see internal/gate).
package policy
