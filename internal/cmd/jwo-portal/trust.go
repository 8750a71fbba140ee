package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

const trustUsage = `Usage: jwo-portal trust create|list|delete ...

Subcommands:
  create  trust the OpenID Connect tokens of an issuer whose subject and claims match
  list    list the trust policies
  delete  delete a trust policy and revoke the tokens exchanged under it
`

const trustCreateUsage = `Usage: jwo-portal trust create --db PATH|URL --merchant ID --name NAME --issuer URL --audience AUD --subject PATTERN --role ROLE [--claim NAME=PATTERN]... [--max-ttl D]

Creates a trust policy: a JWT of the issuer for the audience whose "sub"
matches the subject pattern and whose claims match every --claim can be
exchanged at POST /v1/oauth/token for a token of the merchant with the role,
living --max-ttl (at most 1h). In a pattern '*' matches any run of
characters; everything else is literal. Prints the policy's id. The
creation is written to the merchant's audit log.
`

func runTrust(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("trust", "missing subcommand: use create, list or delete")
	}
	switch args[0] {
	case "create":
		return runTrustCreate(ctx, args[1:], stdout)
	case "list":
		return runTrustList(ctx, args[1:], stdout)
	case "delete":
		return runTrustDelete(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		_, _ = fmt.Fprint(stdout, trustUsage)
		return nil
	}
	return usagef("trust", "unknown subcommand %q: use create, list or delete", args[0])
}

// claimList collects repeated --claim NAME=PATTERN flags.
type claimList map[string]string

func (c claimList) String() string { return "" }

func (c claimList) Set(v string) error {
	name, pattern, ok := strings.Cut(v, "=")
	if !ok || name == "" || pattern == "" {
		return fmt.Errorf("%q is not NAME=PATTERN, e.g. --claim ref=refs/heads/main", v)
	}
	if _, dup := c[name]; dup {
		return fmt.Errorf("claim %q is given twice: give each claim once", name)
	}
	c[name] = pattern
	return nil
}

type trustConfig struct {
	db       string
	merchant string
	spec     jwo.TrustPolicySpec
}

func parseTrustCreate(args []string, stdout io.Writer) (trustConfig, error) {
	cfg := trustConfig{spec: jwo.TrustPolicySpec{Claims: map[string]string{}}}
	var role string
	var ttl time.Duration
	c := newCommand("trust create", trustCreateUsage)
	c.dbFlag(&cfg.db)
	c.fs.StringVar(&cfg.merchant, "merchant", "", "merchant `ID` the exchanged tokens act for")
	c.fs.StringVar(&cfg.spec.Name, "name", "", "`NAME` of the policy; exchanged tokens act as trust:NAME (SUBJECT) in audit events")
	c.fs.StringVar(&cfg.spec.Issuer, "issuer", "", "https `URL` of the OpenID Connect issuer, as its tokens' iss says")
	c.fs.StringVar(&cfg.spec.Audience, "audience", "", "the `AUD` the tokens must carry")
	c.fs.StringVar(&cfg.spec.Subject, "subject", "", "`PATTERN` of the tokens' sub, e.g. repo:acme/infra:ref:refs/heads/main")
	c.fs.StringVar(&role, "role", "", "`ROLE` of the exchanged tokens: viewer, operator or admin")
	c.fs.Var(claimList(cfg.spec.Claims), "claim", "`NAME=PATTERN` another claim must match (repeatable)")
	c.fs.DurationVar(&ttl, "max-ttl", time.Duration(jwo.DefaultTrustTTL)*time.Second, "how long an exchanged token lives, `D` from 1m to 1h")
	args, err := c.parse(args, stdout)
	if err != nil {
		return cfg, err
	}
	if err := c.noArgs(args); err != nil {
		return cfg, err
	}
	if err := c.requireDB(cfg.db); err != nil {
		return cfg, err
	}
	for _, req := range []struct{ flag, value, hint string }{
		{"merchant", cfg.merchant, "give the merchant id the tokens act for"},
		{"name", cfg.spec.Name, "give a name, e.g. --name github-main-apply"},
		{"issuer", cfg.spec.Issuer, "give the issuer, e.g. --issuer https://token.actions.githubusercontent.com"},
		{"audience", cfg.spec.Audience, "give the audience the CI asks its token for, e.g. --audience jwo"},
		{"subject", cfg.spec.Subject, "give the subject pattern, e.g. --subject 'repo:acme/infra:ref:refs/heads/main'"},
		{"role", role, "use viewer, operator or admin"},
	} {
		if req.value == "" {
			return cfg, usagef(c.name, "--%s is required: %s", req.flag, req.hint)
		}
	}
	if err := jwo.ValidateMerchantID(cfg.merchant); err != nil {
		return cfg, usagef(c.name, "--merchant: %v", err)
	}
	if ttl%time.Second != 0 {
		return cfg, usagef(c.name, "--max-ttl %s is not whole seconds: give e.g. 15m or 1h", ttl)
	}
	cfg.spec.Role = jwo.Role(role)
	cfg.spec.MaxTTL = int(ttl / time.Second)
	return cfg, nil
}

// trustFlags names a field error by the flag that set the field.
var trustFlags = map[string]string{"max_ttl": "--max-ttl", "claims": "--claim"}

func runTrustCreate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseTrustCreate(args, stdout)
	if err != nil {
		return err
	}
	p, err := portal.Administered(ctx, cfg.db, func(svc *portal.Service) (jwo.TrustPolicy, error) {
		return svc.AddTrustPolicy(ctx, cfg.merchant, cfg.spec)
	})
	if e, ok := portal.AsError(err); ok && len(e.Fields) > 0 {
		f := e.Fields[0]
		flag, known := trustFlags[f.Field]
		if !known {
			flag = "--" + strings.SplitN(f.Field, ".", 2)[0]
			if strings.HasPrefix(f.Field, "claims.") {
				flag = "--claim " + strings.TrimPrefix(f.Field, "claims.")
			}
		}
		return usagef("trust create", "%s: %s", flag, f.Message)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, p.ID)
	return err
}

const trustListUsage = `Usage: jwo-portal trust list --db PATH|URL [--merchant ID]

Lists the trust policies, one per line after a header: id, name, merchant,
role, max ttl, issuer, audience, subject, claims.
`

func runTrustList(ctx context.Context, args []string, stdout io.Writer) error {
	var db, merchant string
	c := newCommand("trust list", trustListUsage)
	c.dbFlag(&db)
	c.fs.StringVar(&merchant, "merchant", "", "only the policies of the merchant `ID`")
	if err := c.parseWithDB(args, &db, stdout); err != nil {
		return err
	}
	ps, err := portal.Administered(ctx, db, func(svc *portal.Service) ([]portal.TrustPolicyListing, error) {
		return svc.AllTrustPolicies(ctx, merchant)
	})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "ID\tNAME\tMERCHANT\tROLE\tMAX TTL\tISSUER\tAUDIENCE\tSUBJECT\tCLAIMS")
	for _, p := range ps {
		_, _ = fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, listName(p.Name), p.Merchant, p.Role,
			time.Duration(p.MaxTTL)*time.Second, p.Issuer, listName(p.Audience), listName(p.Subject), claimsColumn(p.Claims))
	}
	return w.Flush()
}

// claimsColumn is the claims as NAME=PATTERN,... in name order ("-" for none).
func claimsColumn(claims map[string]string) string {
	if len(claims) == 0 {
		return "-"
	}
	names := make([]string, 0, len(claims))
	for n := range claims {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + claims[n]
	}
	return listName(strings.Join(parts, ","))
}

const trustDeleteUsage = `Usage: jwo-portal trust delete --db PATH|URL --id POLICY_ID

Deletes a trust policy: no JWT is exchanged under it any more, and the
tokens exchanged under it are refused from their next request on. 'jwo-portal
trust list' shows the ids. The deletion is written to the audit log.
`

func runTrustDelete(ctx context.Context, args []string, stdout io.Writer) error {
	var db, id string
	c := newCommand("trust delete", trustDeleteUsage)
	c.dbFlag(&db)
	c.fs.StringVar(&id, "id", "", "the policy's `ID`, as trust list shows it")
	if err := c.parseWithDB(args, &db, stdout); err != nil {
		return err
	}
	if id == "" {
		return usagef(c.name, "--id is required: 'jwo-portal trust list' shows the ids")
	}
	p, err := portal.Administered(ctx, db, func(svc *portal.Service) (portal.TrustPolicyListing, error) {
		return svc.DeleteAnyTrustPolicy(ctx, id)
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "jwo-portal: deleted trust policy %s (%s, merchant %s, role %s)\n", p.ID, p.Name, p.Merchant, p.Role)
	return err
}
