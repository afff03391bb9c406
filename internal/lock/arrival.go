package lock

import (
	"context"
	"time"
)

// arrivalKey is the context key of [WithArrival].
type arrivalKey struct{}

// WithArrival returns ctx carrying t as the arrival of the operation its
// calls belong to (one up, one teardown): waiters for slots ([Slots],
// and package pglock's) are served in the order their operations arrived,
// then in the order they joined the line. An operation that arrived first
// thus finishes first, instead of every operation under way advancing a
// call at a time: the daemon then holds fewer half-made environments at
// once, and each runner waits for the ones ahead of it only.
func WithArrival(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, t)
}

// Arrival is the arrival [WithArrival] put in ctx, else now: a call
// outside any operation arrives when it asks.
func Arrival(ctx context.Context) time.Time {
	if t, ok := ctx.Value(arrivalKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}

// ArrivalKey is t as a non-negative number that orders as t does
// (nanoseconds since the Unix epoch; 0 before it).
func ArrivalKey(t time.Time) int64 {
	return max(t.UnixNano(), 0)
}
