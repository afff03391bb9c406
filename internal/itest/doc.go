// Package itest gives integration tests a real Docker engine and the local
// test-service image. With BERTH_INTEGRATION=1 (set by scripts/test) a
// missing daemon fails the test; otherwise the test is skipped.
package itest
