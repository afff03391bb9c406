package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/yamlscan"
)

func TestComposeRules(t *testing.T) {
	src := `services:
  db:
    image: postgres
    restart: always
    container_name: db
    ports: ["5432:5432", "6379"]
    healthcheck:
      test: ["CMD", "pg_isready"]
  api:
    image: api
    mem_limit: 256m
    restart: on-failure
    network_mode: host
    stop_grace_period: 0s
    depends_on: [db, cache]
  web:
    image: web
    deploy: {resources: {limits: {memory: 64M}}}
    depends_on:
      api: {condition: service_healthy}
      db: {condition: service_started}
    healthcheck:
      test: ["CMD", "true"]
      interval: 2s
  cache:
    image: redis
    restart: unless-stopped
  child:
    extends: {service: web}
x-berth:
  memory: {cache: 32M}
`
	cf, ok, err := yamlscan.Compose("tests/compose.yaml", []byte(src))
	require.NoError(t, err)
	require.True(t, ok)
	got := hits(Evaluate(fact.Facts{Compose: []fact.ComposeFile{cf}}))
	assert.ElementsMatch(t, []string{
		"compose-restart-always@04", "compose-container-name@05", "compose-fixed-host-port@06",
		"compose-no-memory-limit@02", "compose-default-health-interval@07",
		"compose-network-host@13", "zero-stop-timeout@14",
		"compose-depends-ungated@15", // api -> db: db has a healthcheck, not waited for
		"compose-depends-ungated@15", // api -> cache: cache has none
		"compose-depends-ungated@21", // web -> db started only
		"compose-restart-always@27",
	}, got, "x-berth gives cache its memory limit; child extends web, so what it lacks is not judged")
}

func TestUsedCompose(t *testing.T) {
	cands := []Candidate{
		{Path: "tests/docker-compose.yml", Test: true},
		{Path: "deploy/docker-compose.prod.yml"},
		{Path: "docker-compose.ci.yml"},
		{Path: "stack/compose.yaml"},
		{Path: "stacks/other.yaml"},
		{Path: "internal/x/testdata/compose.yaml", Test: false},
		{Path: "internal/y/testdata/started.yaml"},
		{Path: "examples/compose.yaml"},
	}
	f := fact.Facts{
		Commands: append(sh(t, "scripts/up.sh", "cd stack && docker compose up -d\ndocker compose -f ../stacks/other.yaml up\n"),
			sh(t, "Makefile", "docker compose -f internal/y/testdata/started.yaml up\n")...),
		Refs: []fact.ComposeRef{{Loc: fact.Loc{File: "internal/x/load_test.go", Line: 3}, Path: "testdata/compose.yaml"}},
	}
	used := UsedCompose(cands, f)
	keys := map[string]bool{}
	for k := range used {
		keys[k] = true
	}
	// Not used: examples/compose.yaml and deploy/docker-compose.prod.yml (nothing names
	// them), stack/compose.yaml (cd is not followed: the default file is looked up beside
	// the script and at the root), internal/x/testdata/compose.yaml (a loader fixture
	// named in code). internal/y/testdata/started.yaml is started by compose -f.
	assert.Equal(t, map[string]bool{"tests/docker-compose.yml": true, "docker-compose.ci.yml": true, "stacks/other.yaml": true,
		"internal/y/testdata/started.yaml": true}, keys)
	assert.Contains(t, used["stacks/other.yaml"], "scripts/up.sh:2")
}
