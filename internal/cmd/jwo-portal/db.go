package main

// The --db flag is the same on every sub-command: a SQLite file path, or a
// postgres:// (postgresql://) URL for PostgreSQL.
const dbFlagHelp = "the portal's database: a SQLite file `PATH` (created if missing) or a postgres:// URL (env JWO_PORTAL_DB)"

func (c *command) dbFlag(target *string) {
	c.fs.StringVar(target, "db", envOr("JWO_PORTAL_DB", ""), dbFlagHelp)
}

func (c *command) requireDB(db string) error {
	if db == "" {
		return usagef(c.name, "--db is required: give a SQLite file path (e.g. --db ./portal.db) or a postgres:// URL, or set JWO_PORTAL_DB")
	}
	return nil
}
