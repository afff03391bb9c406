// Package shscan finds the commands a shell script, a Makefile recipe or
// a CI run: block runs, through mvdan.cc/sh's parser: comments are not
// code, a quoted argument of echo is not a command, and loops, chains
// (&& || ;) and background jobs (&) are known for what they are.
//
// Start with [Script] for shell source and [Makefile] for a Makefile.
package shscan
