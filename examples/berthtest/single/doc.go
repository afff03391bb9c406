// Package single is an example of one test that takes its own lease with
// [berthtest.Acquire], released when the test ends. It runs only with
// BERTH_EXAMPLES=1.
//
// [berthtest.Acquire]: https://pkg.go.dev/github.com/berth-dev/berth/berthtest#Acquire
package single
