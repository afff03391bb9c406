// Package goscan finds, in Go source parsed with go/parser, the commands
// a file runs through os/exec (exec.Command, exec.CommandContext, and
// the scripts of "sh -c" vectors), the Docker SDK calls it makes with
// their options, the loops around them, and the compose files it names.
// Comments and strings that are only messages are not code to it.
//
// Start with [File].
package goscan
