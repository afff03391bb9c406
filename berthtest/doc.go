// Package berthtest gives Go tests a berth environment in one call.
//
// Where to start: a package whose tests share a stack calls [Main] from
// its TestMain and reads endpoints with [Endpoint]; a single test calls
// [Acquire]:
//
//	func TestMain(m *testing.M) {
//		berthtest.Main(m, berth.Options{Files: []string{"../compose.yaml"}})
//	}
//
//	func TestAPI(t *testing.T) {
//		addr := berthtest.Endpoint(t, "api", 8080) // "127.0.0.1:32768"
//		...
//	}
//
// Each test binary holds one lease, held by its own process: `go test ./...`
// runs a binary per package (up to -p at once), so the packages of one run
// share the one environment through their leases, berth's reference count
// keeps it up while any of them runs, and a binary that dies (a panic, a
// timeout, kill -9) loses its lease with it. Options.Dedicated gives each
// binary a copy of its own.
package berthtest
