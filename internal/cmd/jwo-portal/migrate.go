package main

import (
	"context"
	"fmt"
	"io"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

const migrateUsage = `Usage: jwo-portal migrate --db PATH|URL

Applies the schema migrations the database does not have yet, then exits.
serve does the same at start-up; run migrate first when you roll out a new
version to several replicas on PostgreSQL, so that none of them serves
while the schema changes. On PostgreSQL the migrations run under an
advisory lock: replicas that start together migrate once.
`

func runMigrate(ctx context.Context, args []string, stdout, _ io.Writer) error {
	var db string
	c := newCommand("migrate", migrateUsage)
	c.dbFlag(&db)
	args, err := c.parse(args, stdout)
	if err != nil {
		return err
	}
	if err := c.requireDB(db); err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef(c.name, "unexpected argument %q: migrate takes only --db", args[0])
	}
	if err := store.Migrate(ctx, db); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "jwo-portal: %s is migrated to the schema of this version\n", store.Display(db))
	return err
}
