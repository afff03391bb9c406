// Package render writes a berth audit [audit.Report] as Markdown shaped
// like the hand-written audits (executive summary, root causes with every
// location, resource state, remedies in phases), as JSON (the report's
// stable schema) or as SARIF 2.1.0 for code scanning.
//
// Start with [ParseFormat] and [Write].
package render
