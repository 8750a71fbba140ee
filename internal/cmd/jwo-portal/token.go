package main

import (
	"context"
	"fmt"
	"io"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

const tokenUsage = `Usage: jwo-portal token create --db PATH|URL --merchant ID --role viewer|operator|admin --name NAME

Subcommands:
  create  create an API token and print it
`

const tokenCreateUsage = `Usage: jwo-portal token create --db PATH|URL --merchant ID --role viewer|operator|admin --name NAME

Creates an API token for one merchant and role and prints it alone on
stdout. Only its hash is stored: it cannot be shown again. It works while
'jwo-portal serve' runs on the same file. Roles: viewer reads; operator also
writes connectors and starts tests; admin also writes stores and catalog.
`

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("token", "missing subcommand: use 'jwo-portal token create'")
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		_, _ = fmt.Fprint(stdout, tokenUsage)
		return nil
	}
	return usagef("token", "unknown subcommand %q: use 'jwo-portal token create'", args[0])
}

type tokenConfig struct {
	db       string
	merchant string
	role     jwo.Role
	name     string
}

func parseTokenCreate(args []string, stdout io.Writer) (tokenConfig, error) {
	var cfg tokenConfig
	var role string
	c := newCommand("token create", tokenCreateUsage)
	c.dbFlag(&cfg.db)
	c.fs.StringVar(&cfg.merchant, "merchant", "", "merchant `ID` the token acts for")
	c.fs.StringVar(&role, "role", "", "`ROLE` of the token: viewer, operator or admin")
	c.fs.StringVar(&cfg.name, "name", "", "`NAME` of the token, shown as the actor in audit events")
	args, err := c.parse(args, stdout)
	if err != nil {
		return cfg, err
	}
	if err := c.noArgs(args); err != nil {
		return cfg, err
	}
	// Check in the order of the synopsis, so the first missing flag is named.
	if err := c.requireDB(cfg.db); err != nil {
		return cfg, err
	}
	switch {
	case cfg.merchant == "":
		return cfg, usagef(c.name, "--merchant is required: give the merchant id the token acts for")
	case role == "":
		return cfg, usagef(c.name, "--role is required: use viewer, operator or admin")
	case cfg.name == "":
		return cfg, usagef(c.name, "--name is required: give a name for the token, e.g. --name ci")
	}
	if err := jwo.ValidateMerchantID(cfg.merchant); err != nil {
		return cfg, usagef(c.name, "--merchant: %v", err)
	}
	if cfg.role, err = jwo.ParseRole(role); err != nil {
		return cfg, usagef(c.name, "--role: %v", err)
	}
	return cfg, nil
}

func runTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseTokenCreate(args, stdout)
	if err != nil {
		return err
	}
	token, err := portal.CreateToken(ctx, cfg.db, cfg.merchant, cfg.role, cfg.name)
	if err != nil {
		return err
	}
	// The token alone, so that TOKEN=$(jwo-portal token create ...) works.
	_, err = fmt.Fprintln(stdout, token)
	return err
}
