// Package pool keeps a warm pool of dedicated copies: environments of mode
// dedicated brought up ahead of demand and leased to no one (store state
// "pooled"), so that `berth up --dedicated` takes one in milliseconds
// instead of paying a cold up.
//
// The decisions are pure and live here: [Decide] says which pooled copies
// to reclaim (configuration changed, stale, more than the pool's size)
// and how many to create; [Candidates] says which copies a taker tries,
// in order. The effects live in [Filler] (create and reclaim, one copy at
// a time, under the pool's lock) and in package acquire (the take: an
// atomic swap of the copy's state from pooled to ready, so two takers
// never get the same copy). A taken copy is an ordinary dedicated
// environment: torn down when its lease ends, never pooled again.
package pool
