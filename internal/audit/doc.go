// Package audit is berth audit: it finds the Docker patterns in a
// repository that can take a shared daemon down, and reports them with
// the state of the daemon.
//
// [Scan] reads a repository (its .gitignore honoured) and judges it with
// the rules of package rules; [NewReport] puts the findings together
// with the resource section (package live) into a [Report], which
// package render writes as Markdown, JSON or SARIF. The scanners live in
// pyscan, goscan, shscan and yamlscan; the facts they share in fact.
package audit
