package postgres

// For the external tests (package postgres_test, which may import pgtest).
var (
	SchemaVersion  = (*Store).version
	MigrationSteps = len(migrations)
)
