// Package plan turns a loaded [compose.Project] and an environment
// [Identity] into a [Plan]: the concrete engine specs of every network,
// volume, image build and container of one environment, and the order in
// which services start. It is pure: no I/O, no clock of its own (the
// caller passes now), so every naming and labelling rule is unit-tested.
//
// Naming: networks and volumes are "<EnvID>_<key>", containers
// "<EnvID>-<service>-1", as Docker Compose names them for a project called
// EnvID, so `docker compose ls/ps` groups each environment like a compose
// project. Every resource carries [labels.ForResource] plus the compose
// labels of its kind.
package plan
