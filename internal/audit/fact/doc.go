// Package fact holds what berth audit's scanners learn from a repository:
// the command lines a file runs ([Command]), the Docker SDK calls it makes
// ([Call]), the compose files it holds ([ComposeFile]) and the parallel
// test invocations it starts ([Parallel]). Scanners produce facts; the
// rules (package rules) judge them. Facts carry no judgement and no
// rendering, so the rules are pure functions over them.
package fact
