package yamlscan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func TestCompose(t *testing.T) {
	src := `name: tests
x-defaults: &defaults
  restart: always
x-berth:
  memory:
    worker: 256M
services:
  db:
    <<: *defaults
    image: postgres
    container_name: tests-db   # fixed
    ports:
      - "5432:5432"
      - "127.0.0.1::6000"
      - "[::1]:8080:80/tcp"
      - 9000
      - "${PORT:-3000}:3000"
      - target: 80
        published: 8081
      - target: 81
        published: "5000-5999"
      - "7000-7010:80"
    healthcheck:
      test: ["CMD", "pg_isready"]
  api:
    image: api
    mem_limit: 512m
    network_mode: host
    stop_grace_period: 0s
    depends_on:
      - db
    healthcheck:
      test: ["CMD", "true"]
      interval: 5s
  worker:
    image: w
    deploy:
      resources:
        limits:
          memory: 128M
    depends_on:
      api:
        condition: service_healthy
    healthcheck:
      disable: true
  child:
    extends: {service: api}
`
	cf, ok, err := Compose("tests/docker-compose.yml", []byte(src))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "tests", cf.Name)
	assert.Equal(t, 1, cf.NameLoc.Line)
	assert.True(t, cf.BerthMemory["worker"])
	require.Len(t, cf.Services, 4)
	db, api, worker, child := cf.Services[0], cf.Services[1], cf.Services[2], cf.Services[3]

	assert.Equal(t, fact.Loc{File: "tests/docker-compose.yml", Line: 8, Col: 3}, db.Loc)
	assert.Equal(t, "always", db.Restart.Value, "merged from the anchor")
	assert.Equal(t, 3, db.Restart.Loc.Line, "where the anchor says it")
	assert.Equal(t, "tests-db", db.ContainerName.Value)
	assert.False(t, db.MemLimit.Set())
	var ports []string
	for _, p := range db.FixedPorts {
		ports = append(ports, p.Value)
	}
	assert.Equal(t, []string{"5432", "8080", "8081"}, ports, "host port ranges are the daemon's pick")
	assert.Equal(t, 13, db.FixedPorts[0].Loc.Line)
	require.NotNil(t, db.Health)
	assert.False(t, db.Health.Interval.Set())

	assert.Equal(t, "512m", api.MemLimit.Value)
	assert.Equal(t, "host", api.NetworkMode.Value)
	assert.Equal(t, "0s", api.StopGrace.Value)
	assert.Equal(t, []fact.Dependency{{Service: "db", Loc: fact.Loc{File: "tests/docker-compose.yml", Line: 31, Col: 9}}}, api.DependsOn)
	assert.Equal(t, "5s", api.Health.Interval.Value)

	assert.Equal(t, "128M", worker.MemLimit.Value)
	assert.Equal(t, "service_healthy", worker.DependsOn[0].Condition)
	assert.True(t, worker.Health.Disabled)
	assert.True(t, child.Extends)
}

func TestNotACompose(t *testing.T) {
	_, ok, err := Compose("x.yml", []byte("jobs: {}\n"))
	require.NoError(t, err)
	assert.False(t, ok)
	_, _, err = Compose("x.yml", []byte("services: [\n"))
	assert.Error(t, err)
}
