package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

const tokenUsage = `Usage: jwo-portal token create|list|revoke ...

Subcommands:
  create  create an API token and print it
  list    list the tokens that are not revoked (never their secrets)
  revoke  revoke a token by its id, at once, also while serve runs
`

const tokenCreateUsage = `Usage: jwo-portal token create --db PATH|URL --merchant ID --role viewer|operator|admin --name NAME [--expires-in DURATION]

Creates an API token for one merchant and role and prints it alone on
stdout. Only its hash is stored: it cannot be shown again. It works while
'jwo-portal serve' runs on the same file. Roles: viewer reads; operator also
writes connectors and starts tests; admin also writes stores and catalog.
With --expires-in (e.g. 720h) the token stops working that long after now.
`

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("token", "missing subcommand: use create, list or revoke")
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, args[1:], stdout)
	case "list":
		return runTokenList(ctx, args[1:], stdout)
	case "revoke":
		return runTokenRevoke(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		_, _ = fmt.Fprint(stdout, tokenUsage)
		return nil
	}
	return usagef("token", "unknown subcommand %q: use create, list or revoke", args[0])
}

type tokenConfig struct {
	db       string
	merchant string
	role     jwo.Role
	name     string
	expires  time.Duration
}

func parseTokenCreate(args []string, stdout io.Writer) (tokenConfig, error) {
	var cfg tokenConfig
	var role string
	c := newCommand("token create", tokenCreateUsage)
	c.dbFlag(&cfg.db)
	c.fs.StringVar(&cfg.merchant, "merchant", "", "merchant `ID` the token acts for")
	c.fs.StringVar(&role, "role", "", "`ROLE` of the token: viewer, operator or admin")
	c.fs.StringVar(&cfg.name, "name", "", "`NAME` of the token, shown as the actor in audit events")
	c.fs.DurationVar(&cfg.expires, "expires-in", 0, "the token stops working this `DURATION` after now, e.g. 720h (default: never)")
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
	if cfg.expires < 0 {
		return cfg, usagef(c.name, "--expires-in %s is negative: give how long the token may be used, e.g. 720h", cfg.expires)
	}
	return cfg, nil
}

func runTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseTokenCreate(args, stdout)
	if err != nil {
		return err
	}
	var token string
	err = portal.Administer(ctx, cfg.db, func(svc *portal.Service) error {
		var err error
		token, _, err = svc.IssueToken(ctx, portal.TokenSpec{Merchant: cfg.merchant, Role: cfg.role, Name: cfg.name, ExpiresIn: cfg.expires})
		return err
	})
	if err != nil {
		return err
	}
	// The token alone, so that TOKEN=$(jwo-portal token create ...) works.
	_, err = fmt.Fprintln(stdout, token)
	return err
}

const tokenListUsage = `Usage: jwo-portal token list --db PATH|URL [--merchant ID]

Lists the tokens that are not revoked, one per line after a header: id,
name, merchant, role, created, last used, expires. Never a secret. Last use
is as the serving portals last wrote it, at most a minute behind.
`

func runTokenList(ctx context.Context, args []string, stdout io.Writer) error {
	var db, merchant string
	c := newCommand("token list", tokenListUsage)
	c.dbFlag(&db)
	c.fs.StringVar(&merchant, "merchant", "", "only the tokens of the merchant `ID`")
	if err := c.parseWithDB(args, &db, stdout); err != nil {
		return err
	}
	toks, err := portal.Administered(ctx, db, func(svc *portal.Service) ([]portal.TokenListing, error) {
		return svc.AllTokens(ctx, merchant)
	})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "ID\tNAME\tMERCHANT\tROLE\tCREATED\tLAST USED\tEXPIRES")
	for _, t := range toks {
		_, _ = fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, listName(t.Name), t.Merchant, t.Role,
			t.CreatedAt.UTC().Format(time.RFC3339), timeOrNever(t.LastUsedAt), timeOrNever(t.ExpiresAt))
	}
	return w.Flush()
}

// listName keeps a name with spaces one column: quoted.
func listName(name string) string {
	if strings.ContainsAny(name, " \t") {
		return strconv.Quote(name)
	}
	return name
}

func timeOrNever(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

const tokenRevokeUsage = `Usage: jwo-portal token revoke --db PATH|URL --id TOKEN_ID

Revokes a token: every portal on the database refuses it from its next
request on (401 saying it was revoked). 'jwo-portal token list' shows the
ids. The revocation is written to the merchant's audit log.
`

func runTokenRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	var db, id string
	c := newCommand("token revoke", tokenRevokeUsage)
	c.dbFlag(&db)
	c.fs.StringVar(&id, "id", "", "the token's `ID`, as token list shows it")
	if err := c.parseWithDB(args, &db, stdout); err != nil {
		return err
	}
	if id == "" {
		return usagef(c.name, "--id is required: 'jwo-portal token list' shows the ids")
	}
	t, err := portal.Administered(ctx, db, func(svc *portal.Service) (portal.TokenListing, error) {
		return svc.RevokeAnyToken(ctx, id)
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "jwo-portal: revoked token %s (%s, merchant %s, role %s)\n", t.ID, t.Name, t.Merchant, t.Role)
	return err
}

// parseWithDB parses the flags of a command that takes no arguments and
// needs --db.
func (c *command) parseWithDB(args []string, db *string, stdout io.Writer) error {
	args, err := c.parse(args, stdout)
	if err != nil {
		return err
	}
	if err := c.noArgs(args); err != nil {
		return err
	}
	return c.requireDB(*db)
}
