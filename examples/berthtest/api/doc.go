// Package api is an example of a package whose tests share a berth
// environment through [berthtest.Main] in TestMain. It runs only with
// BERTH_EXAMPLES=1 (it needs a Docker daemon): `go test -p 4
// ./examples/berthtest/...` then runs it beside the db and single
// examples, and the three test binaries hold one lease each on one
// environment.
//
// [berthtest.Main]: https://pkg.go.dev/github.com/berth-dev/berth/berthtest#Main
package api
