// Package yamlscan reads the YAML files berth audit judges, through a
// YAML parser (go.yaml.in/yaml/v4) rather than by pattern: CI files
// ([CI]: the shell of their run:/script: blocks, their env:, matrices on
// self-hosted runners) and compose files ([Compose]: each service's
// settings as written, merge keys resolved). Comments are not data to a
// YAML parser, so they are never findings.
package yamlscan
