// Package serve is `berth serve`: one long-running process per daemon that
// watches it and shows what every berth process of it is doing.
//
// Start with [Server.Run]: it runs the loops and the HTTP server until its
// context ends.
//
//   - the daemon watch (watch.go): a ping every 5 s through
//     gate.Gate.Heartbeat, which trips the shared breaker at once when the
//     daemon does not answer and closes it when it does; the container
//     events of every environment recorded to the store (internal/watch);
//     a sample of the environments (berth ps) every 10 s; disk usage every
//     10 min;
//   - the scheduled cleanup (schedule.go): the same gc as `berth gc`, in
//     mode safe or normal (never deep), each run kept as a
//     store.GCRunRecord;
//   - GET /metrics (metrics.go): a Prometheus collector that reads the
//     shared store at scrape time, so its figures cover every berth
//     process, not only serve's;
//   - GET / and GET /api/status (status.go, page.go): the status page and
//     the same data as JSON.
//
// Nothing served mutates. The listener is loopback unless remote access is
// asked for with a bearer token ([CheckAddr], [RequireToken]).
package serve
