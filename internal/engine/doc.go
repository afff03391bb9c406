// Package engine defines the narrow set of Docker Engine operations berth
// uses, as the interface [Engine], with berth's own value types.
//
// Two implementations exist: internal/engine/docker (the only package that
// imports the Docker SDK) and internal/engine/fake (in memory, for unit
// tests). internal/engine/enginetest holds the contract suite both pass.
// Every caller outside tests reaches an Engine through internal/gate, which
// adds cross-process slots, a rate budget, retries and the circuit breaker.
//
// Errors returned by an Engine wrap one of the kind sentinels ([ErrNotFound],
// [ErrConflict], [ErrInvalid], [ErrUnavailable], [ErrTransient]) so callers
// classify them with errors.Is without knowing the implementation.
//
// Removal operations deliberately have no "force" option: berth never
// force-removes (docs/design.md invariant 2).
package engine
