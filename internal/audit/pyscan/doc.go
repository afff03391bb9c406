// Package pyscan finds, in Python source, the commands a file runs
// through subprocess, os.system and os.popen, the Docker SDK calls it
// makes, the loops and retries around them, and the compose files it
// names. It works on [pytok] tokens, so comments, docstrings and strings
// that are only messages are never mistaken for code: a command is only
// what reaches a process sink.
//
// Start with [File]; [Config] reads pytest's addopts.
package pyscan
