// Package db is an example of a package whose tests share a berth
// environment through [berthtest.Main] in TestMain, beside the api and
// single examples. It runs only with BERTH_EXAMPLES=1.
//
// [berthtest.Main]: https://pkg.go.dev/github.com/berth-dev/berth/berthtest#Main
package db
