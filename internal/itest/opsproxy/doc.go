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
// just before its caller can see it end: before the last byte of a
// response with a length, before the proxy closes a hijacked stream (an
// exec) for writing once the daemon's side ended (endWriter). So it is
// counted inside the time its caller holds its slot, and the proxy's peak
// does not exceed the callers' true concurrency; counting to the
// handler's return instead counted a finished call next to the one its
// caller made next with the same slot (the likely cause of a peak of 5
// seen once at a limit of 4). A call
// whose caller gave up (closed its connection) is counted until the proxy
// sees the close, a moment after the caller may have let its slot go.
//
// Start with [Start].
package opsproxy
