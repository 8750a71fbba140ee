package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

const conformanceUsage = `Usage: jwo-portal conformance --url URL --method METHOD [--sku SKU] [--store-id ID] [--timeout D] [--json]

Runs the CONFORMANCE suite of one connector method against URL from this
machine, without a portal: every documented case, one after another, each
with the timeout. It prints a table of the cases (--json: the Case objects)
and exits 0 when every required case passed, 1 when one did not (or the URL
could not be reached), 2 on a usage error. http and loopback URLs are
allowed: it is your own call. An ORDERING suite creates purchases of --sku
on the connector (three when it conforms), each marked as a conformance run's.
`

// defaultConformanceStore is the storeId the suite sends when none is given.
const defaultConformanceStore = "jwo-conformance-store"

type conformanceConfig struct {
	url     string
	method  jwo.Method
	sku     string
	storeID string
	timeout durationValue
	json    bool
}

func parseConformance(args []string, stdout io.Writer) (conformanceConfig, error) {
	cfg := conformanceConfig{timeout: durationValue(10 * time.Second)}
	var method string
	c := newCommand("conformance", conformanceUsage)
	c.fs.StringVar(&cfg.url, "url", "", "the connector's endpoint `URL` (each case appends its path)")
	c.fs.StringVar(&method, "method", "", "the connector `METHOD`: IDENTITY, LOYALTY, ORDERING or FRAUD_AND_ABUSE (any case)")
	c.fs.StringVar(&cfg.sku, "sku", "", "ORDERING only: the `SKU` of an item the connector knows")
	c.fs.StringVar(&cfg.storeID, "store-id", defaultConformanceStore, "the storeId the requests carry, as `ID`")
	c.fs.Var(&cfg.timeout, "timeout", "bound each case's call by this `DURATION`")
	c.fs.BoolVar(&cfg.json, "json", false, "print the cases as a JSON array of Case objects")
	args, err := c.parse(args, stdout)
	if err != nil {
		return cfg, err
	}
	if err := c.noArgs(args); err != nil {
		return cfg, err
	}
	if err := checkConformanceURL(cfg.url); err != nil {
		return cfg, usagef(c.name, "%v", err)
	}
	if method == "" {
		return cfg, usagef(c.name, "--method is required: use IDENTITY, LOYALTY, ORDERING or FRAUD_AND_ABUSE")
	}
	if cfg.method, err = jwo.ParseMethod(method); err != nil {
		return cfg, usagef(c.name, "--method: %v", err)
	}
	if err := jwo.CheckTestSKU(cfg.method, cfg.sku != ""); err != nil {
		return cfg, usagef(c.name, "--sku: %v", err)
	}
	if cfg.sku != "" {
		if err := jwo.ValidateSKU(cfg.sku); err != nil {
			return cfg, usagef(c.name, "--sku: %v", err)
		}
	}
	if err := jwo.ValidateStoreID(cfg.storeID); err != nil {
		return cfg, usagef(c.name, "--store-id: %v", err)
	}
	if cfg.timeout <= 0 {
		return cfg, usagef(c.name, "--timeout must be more than 0, e.g. 10s")
	}
	return cfg, nil
}

func checkConformanceURL(raw string) error {
	if raw == "" {
		return errors.New("--url is required: the connector's endpoint URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("--url %q is not an http or https URL with a host, e.g. http://127.0.0.1:8788", raw)
	}
	return nil
}

func runConformance(ctx context.Context, args []string, stdout, _ io.Writer) error {
	cfg, err := parseConformance(args, stdout)
	if err != nil {
		return err
	}
	// Dev opens loopback beside public addresses: the operator's own call,
	// often to a connector on the same machine in CI.
	tt := tester.New(tester.Options{Dev: true, Timeout: time.Duration(cfg.timeout)})
	defer tt.CloseIdleConnections()
	res := tt.RunSuite(ctx, tester.SuiteCall{Method: cfg.method, StoreID: cfg.storeID, SKU: cfg.sku, EndpointURL: cfg.url})

	if cfg.json {
		cases := make([]jwo.Case, len(res.Cases))
		for i, c := range res.Cases {
			cases[i] = c.Case
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cases); err != nil {
			return err
		}
	} else {
		if err := printCases(stdout, res.Cases); err != nil {
			return err
		}
	}
	if res.Status != jwo.TestSuccessful {
		return fmt.Errorf("UNSUCCESSFUL (%s): %s", res.Reason, res.Message)
	}
	if !cfg.json {
		_, err := fmt.Fprintln(stdout, res.Message)
		return err
	}
	return nil
}

// printCases writes one line per case, its columns aligned.
func printCases(w io.Writer, cases []tester.CaseResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "CASE\tSTATUS\tLATENCY\tEXPECTED\tOBSERVED")
	for _, c := range cases {
		latency := "-"
		if c.Status != jwo.CaseSkipped {
			latency = fmt.Sprintf("%dms", c.LatencyMS)
		}
		req := ""
		if !c.Required {
			req = " (not required)"
		}
		_, _ = fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\n", c.ID, req, c.Status, latency, oneLine(c.Expected), oneLine(c.Observed))
	}
	return tw.Flush()
}

// oneLine keeps a connector's words from breaking the table (or a
// terminal): control characters become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
