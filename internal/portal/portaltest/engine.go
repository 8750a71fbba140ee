package portaltest

import (
	"path/filepath"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// Engine makes the empty database of one test portal. The location it
// returns is what the portal is opened on and what seeding and token minting
// write to; the engine removes the database when the test ends.
type Engine struct {
	// Name says which engine it is, e.g. in subtest names.
	Name string
	// NewDatabase returns the location of a fresh, empty database.
	NewDatabase func(t testing.TB) string
}

// SQLite is the default engine: a new SQLite file in t.TempDir().
var SQLite = Engine{
	Name:        "sqlite",
	NewDatabase: func(t testing.TB) string { return filepath.Join(t.TempDir(), "portal.db") },
}

// Postgres is a new database on the test binary's throwaway PostgreSQL
// (pgtest.Shared); a package that uses it stops the cluster in its TestMain
// with pgtest.Main or pgtest.StopShared.
var Postgres = Engine{
	Name:        "postgres",
	NewDatabase: func(t testing.TB) string { return pgtest.NewDatabase(t) },
}

// Engines are both engines, for suites that run on each.
var Engines = []Engine{SQLite, Postgres}
