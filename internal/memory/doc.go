// Package memory holds berth's pure memory decisions: pressure of a
// container against its limit, and admission of a new environment against
// what the daemon has left. No I/O; the callers gather the numbers.
package memory
