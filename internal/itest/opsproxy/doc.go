// Package opsproxy is a counting proxy on the Docker socket, for tests and
// benchmarks that must see Docker calls from the daemon's side: berth
// processes are pointed at it (DOCKER_HOST=[Proxy.Host]) and it forwards
// every request to the real daemon's unix socket unchanged (hijacked
// streams included), while counting the mutating calls in flight.
//
// A request is classified ([Classify]) as the gate operation it belongs to
// (engine.Op), so "mutating" and "holds a concurrency slot" are the gate's
// own words: [Counts.PeakSlot] is the peak of calls in flight whose op is
// mutating and holds a slot (gate.HoldsSlot, every exec counted as a
// bounded one: the wire does not tell a readiness probe from `berth
// exec`); [Counts.PeakLimited] is the peak of every mutating call but
// pulls and builds (which have slots of their own), the strict reading of
// BERTH_MAX_CONCURRENT_OPS; [Counts.PeakMutating] counts pulls and builds
// too. Long calls that change nothing (container wait, attach, logs, the
// event stream) are reads.
//
// A call is counted from the moment its request reaches the proxy until
// the proxy has forwarded its response: inside the time the caller holds
// its slot, so the proxy's peak never exceeds the callers' true
// concurrency.
//
// Start with [Start].
package opsproxy
