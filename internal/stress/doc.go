// Package stress is `berth stress`: N real berth processes, each acquiring,
// using and releasing an environment K times, and a check of what berth
// promises under that load.
//
// Start with [Run], which runs the load with its [Config] and returns a
// [Report]; [Evaluate] is the verdict (pure), [Report.WriteText] and JSON
// encoding of a Report the output. [Cycles] is what one runner process
// does (the hidden `berth stress-runner` command).
//
// Figures come from records, not from guesses:
//   - creates from the daemon's event stream, followed live for the whole
//     run (the daemon replays only its last 256 events, so asking
//     afterwards undercounts), ended by a sentinel volume's event;
//   - Docker calls and their overlap from the op log every berth process
//     writes to the store (the gate's per-call records, with the time
//     each call waited in the gate's queue);
//   - the daemon's ping, sampled through the gate every 200 ms;
//   - leftovers by label once the run is over.
package stress
