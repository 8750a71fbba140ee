package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

const seedUsage = `Usage: jwo-portal seed --db PATH|URL FILE

Loads merchants, stores and catalog items from a YAML (or JSON) seed file
into the portal's database. The whole file is checked first: a mistake is
reported with its line and field, and nothing is written. Seeding is
idempotent: applying the same file twice changes nothing the second time.
`

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var db string
	c := newCommand("seed", seedUsage)
	c.dbFlag(&db)
	args, err := c.parse(args, stdout)
	if err != nil {
		return err
	}
	if err := c.requireDB(db); err != nil {
		return err
	}
	switch {
	case len(args) == 0:
		return usagef(c.name, "missing the seed FILE: e.g. jwo-portal seed --db portal.db seed.yaml")
	case len(args) > 1:
		return usagef(c.name, "unexpected argument %q: give one seed FILE", args[1])
	}
	f, err := readSeed(args[0])
	if err != nil {
		return err
	}
	if err := portal.Administer(ctx, db, func(svc *portal.Service) error { return svc.ApplySeed(ctx, f) }); err != nil {
		return err
	}
	stores, items := 0, 0
	for _, m := range f.Merchants {
		stores += len(m.Stores)
		for _, s := range m.Stores {
			items += len(s.Catalog)
		}
	}
	_, err = fmt.Fprintf(stdout, "jwo-portal: applied %s: %d merchant(s), %d store(s), %d catalog item(s)\n", args[0], len(f.Merchants), stores, items)
	return err
}

// readSeed opens and parses a seed file. Its mistakes, one per line with
// file, line and field, follow a header line, so that the multi-line message
// reads well after the "jwo-portal seed: " prefix.
func readSeed(path string) (seed.File, error) {
	file, err := os.Open(path)
	if err != nil {
		return seed.File{}, err
	}
	defer func() { _ = file.Close() }() // read only: nothing to lose
	f, err := seed.Parse(path, file)
	var mistakes seed.Errors
	if errors.As(err, &mistakes) {
		return seed.File{}, fmt.Errorf("the seed file has %d mistake(s); nothing was written:\n%w", len(mistakes), err)
	}
	return f, err
}
