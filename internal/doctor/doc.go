// Package doctor is berth's pre-flight check. [Gather] collects facts from
// the daemon and the state directory (effects); [Evaluate] turns facts into
// findings with remedies (pure); render.go prints them.
package doctor
