package provider

// Helpers of the data-source acceptance tests, on top of the shared harness
// (acc_harness_test.go).

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// requestCounter counts the requests that reach the portal through
// tp.CountingEndpoint, by "METHOD /path".
type requestCounter = portaltest.Counter

// providerConfigAt is providerConfig with another endpoint, e.g. a counting one.
func providerConfigAt(endpoint, token string) string {
	return fmt.Sprintf(`
provider "jwo" {
  endpoint = %q
  token    = %q
}
`, endpoint, token)
}

// putConnector saves a connector out of band, with the operator's client.
func (tp *testPortal) putConnector(t *testing.T, storeID string, m jwo.Method, url string) jwo.Connector {
	t.Helper()
	c, _, err := tp.Operator.PutConnector(context.Background(), storeID, m,
		jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{})
	if err != nil {
		t.Fatalf("put connector %s/%s: %v", storeID, m, err)
	}
	return c
}

// runTest starts a connectivity test out of band and waits for its result.
func (tp *testPortal) runTest(t *testing.T, storeID string, m jwo.Method, sku string) jwo.ConnectivityTest {
	t.Helper()
	ctx := context.Background()
	run, err := tp.Operator.StartTest(ctx, storeID, m, sku, "")
	if err != nil {
		t.Fatalf("start test %s/%s: %v", storeID, m, err)
	}
	run, err = tp.Operator.WaitTest(ctx, run.ID)
	if err != nil {
		t.Fatalf("wait for test %s: %v", run.ID, err)
	}
	return run
}

// generatedStoreIDs are the ids of the generated stores i..j (1-based, inclusive).
func generatedStoreIDs(from, to int) []string {
	var ids []string
	for i := from; i <= to; i++ {
		ids = append(ids, fmt.Sprintf("acme-gen-%04d", i))
	}
	return ids
}

// stringList is a knownvalue check of a list of exactly these strings, in order.
func stringList(vs ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(vs))
	for i, v := range vs {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

// uniqueKeys checks a list of objects holds n objects whose key attribute
// values are all different: a page read twice or skipped would show here.
func uniqueKeys(key string, n int) knownvalue.Check {
	return listCheck{desc: fmt.Sprintf("%d objects with distinct %q", n, key), fn: func(vs []any) error {
		if len(vs) != n {
			return fmt.Errorf("expected %d objects, got %d", n, len(vs))
		}
		seen := map[any]bool{}
		for i, v := range vs {
			obj, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("element %d is %T, not an object", i, v)
			}
			if seen[obj[key]] {
				return fmt.Errorf("%s %v appears twice", key, obj[key])
			}
			seen[obj[key]] = true
		}
		return nil
	}}
}

// sortedBy checks a list of objects is in ascending order of a string key.
func sortedBy(key string) knownvalue.Check {
	return listCheck{desc: "ascending " + key, fn: func(vs []any) error {
		prev := ""
		for i, v := range vs {
			obj, _ := v.(map[string]any)
			s, _ := obj[key].(string)
			if i > 0 && s <= prev {
				return fmt.Errorf("element %d: %s %q is not after %q", i, key, s, prev)
			}
			prev = s
		}
		return nil
	}}
}

type listCheck struct {
	desc string
	fn   func([]any) error
}

func (c listCheck) CheckValue(v any) error {
	vs, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	return c.fn(vs)
}

func (c listCheck) String() string { return c.desc }

var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// errorRegexp matches the phrases in order, allowing the line breaks that
// Terraform puts into long diagnostics between any two words.
func errorRegexp(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}
