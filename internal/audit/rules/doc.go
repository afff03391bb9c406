// Package rules is berth audit's judgement: the rule table ([Table]:
// each rule's ID, severity, rationale and the berth feature that
// replaces the pattern) and [Evaluate], a pure function from the facts
// the scanners gathered to findings. docs/audit-rules.md documents every
// rule; a test keeps the two in step.
package rules
