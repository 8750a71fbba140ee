package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/faultproxy"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// The fleet of the fault test: every store needs all four methods, so that
// it holds 40 connectors and 40 connectivity tests.
const (
	faultStores = 10
	faultRate   = 0.3
	// faultForced is how many lost answers each kind of write is sure to
	// meet, whatever the seed draws, on top of the random faults.
	faultForced = 4
)

// withFourMethodStores adds n stores to acme's seed (ids "acme-faults-01"...)
// that need every method and sell accSKU, as accStoreJWO does.
func withFourMethodStores(n int) testPortalOption {
	return portaltest.WithStores(accMerchant, portaltest.FourMethodStores("acme-faults", n)...)
}

func faultStoreID(i int) string { return fmt.Sprintf("acme-faults-%02d", i) }

// faultConnectorsHCL declares a connector per store and method, all at endpoint,
// and a connectivity test of each that runs again when its connector changes.
func faultConnectorsHCL(endpoint string) string {
	stores := faultStoreIDs()
	for i, id := range stores {
		stores[i] = strconv.Quote(id)
	}
	// count, not for_each: the legacy state checks cannot address for_each
	// instances.
	return fmt.Sprintf(`
locals {
  stores  = [%s]
  methods = ["IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"]
  pairs   = setproduct(local.stores, local.methods)
}

resource "jwo_store_connector" "c" {
  count         = length(local.pairs)
  store_id      = local.pairs[count.index][0]
  method        = local.pairs[count.index][1]
  endpoint_url  = %q
  endpoint_type = "PUBLIC"
}

resource "jwo_connectivity_test" "t" {
  count                = length(local.pairs)
  store_id             = jwo_store_connector.c[count.index].store_id
  method               = jwo_store_connector.c[count.index].method
  sku                  = local.pairs[count.index][1] == "ORDERING" ? %q : null
  triggers             = { version = jwo_store_connector.c[count.index].version }
  fail_on_unsuccessful = true
}
`, strings.Join(stores, ", "), endpoint, accSKU)
}

// faultProviderConfig points the provider at the proxy. With ten retries, a
// request that fails every attempt at a 30% fault rate is a less than
// one-in-a-million event, so the test is about what a retry meets, not about luck.
func faultProviderConfig(proxyURL, token string) string {
	return fmt.Sprintf(`
provider "jwo" {
  endpoint        = %q
  token           = %q
  request_timeout = "10s"
  max_retries     = 10
}
`, proxyURL, token)
}

// The writes whose lost answer the provider must survive.
func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPut && r.Header.Get("If-None-Match") == "*"
}
func isUpdate(r *http.Request) bool {
	return r.Method == http.MethodPut && r.Header.Get("If-Match") != ""
}
func isDelete(r *http.Request) bool { return r.Method == http.MethodDelete }
func isTestStart(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/tests")
}

// newFaultProxy puts a fault-injecting proxy in front of the portal. The
// health and metrics routes stay clean: they are how an operator looks at a
// portal in trouble.
func newFaultProxy(t *testing.T, tp *testPortal, rate float64) *faultproxy.Proxy {
	t.Helper()
	drop := func(match func(*http.Request) bool) faultproxy.Force {
		return faultproxy.Force{Match: match, Kind: faultproxy.DropAnswer, Count: faultForced}
	}
	p, err := faultproxy.New(faultproxy.Config{
		Target:     tp.URL,
		Rate:       rate,
		RetryAfter: time.Second,
		Delay:      100 * time.Millisecond,
		Exempt: func(r *http.Request) bool {
			return r.URL.Path == "/healthz" || r.URL.Path == "/metrics"
		},
		Force: []faultproxy.Force{drop(isCreate), drop(isUpdate), drop(isDelete), drop(isTestStart)},
	})
	if err != nil {
		t.Fatalf("start fault proxy: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	t.Logf("fault proxy seed %d (set %s=%d to replay)", p.Seed(), faultproxy.SeedEnv, p.Seed())
	return p
}

// connectorKeys are the connectors of every method of the given stores, as
// "store/METHOD", sorted.
func connectorKeys(storeIDs ...string) []string {
	var keys []string
	for _, id := range storeIDs {
		for _, m := range jwo.Methods {
			keys = append(keys, connectorID(id, m))
		}
	}
	slices.Sort(keys)
	return keys
}

// faultStoreIDs are the stores of the fault test.
func faultStoreIDs() []string {
	ids := make([]string, faultStores)
	for i := range ids {
		ids[i] = faultStoreID(i + 1)
	}
	return ids
}

// checkPortalHolds reads the portal directly, not through the proxy: the
// acme stores together hold exactly the connectors keys, each at endpoint,
// PUBLIC, at the given version and connectivity status.
func (tp *testPortal) checkPortalHolds(keys []string, endpoint string, version int64, status jwo.ConnectivityStatus) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		stores, err := tp.Admin.AllStores(ctx, client.StoreFilter{})
		if err != nil {
			return fmt.Errorf("list stores: %w", err)
		}
		var held []string
		for _, s := range stores {
			conns, err := tp.Admin.ListConnectors(ctx, s.ID)
			if err != nil {
				return fmt.Errorf("list connectors of %s: %w", s.ID, err)
			}
			for _, c := range conns {
				key := connectorID(c.StoreID, c.Method)
				held = append(held, key)
				if c.EndpointURL != endpoint || c.EndpointType != jwo.EndpointPublic || c.Version != version ||
					c.ConnectivityStatus != status {
					return fmt.Errorf("connector %s = %s %s version %d %s; want %s PUBLIC version %d %s",
						key, c.EndpointURL, c.EndpointType, c.Version, c.ConnectivityStatus, endpoint, version, status)
				}
			}
		}
		slices.Sort(held)
		if !slices.Equal(held, keys) {
			return fmt.Errorf("the portal holds %d connectors %v, want the %d intended %v", len(held), held, len(keys), keys)
		}
		return nil
	}
}

// checkAudit reads the audit log directly: each action in want appears
// exactly that many times for each of the connectors keys and never for
// another. It copies the totals per action into audit for the record.
func (tp *testPortal) checkAudit(keys []string, want, audit map[jwo.AuditAction]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, err := tp.Admin.AllAuditEvents(context.Background(), "")
		if err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		counts := map[jwo.AuditAction]map[string]int{} // action -> connector -> events
		totals := map[jwo.AuditAction]int{}
		for _, e := range events {
			if counts[e.Action] == nil {
				counts[e.Action] = map[string]int{}
			}
			counts[e.Action][connectorID(e.StoreID, e.Method)]++
			totals[e.Action]++
		}
		for _, action := range slices.Sorted(maps.Keys(want)) {
			for _, key := range keys {
				if n := counts[action][key]; n != want[action] {
					return fmt.Errorf("audit log has %d %s events for %s, want %d", n, action, key, want[action])
				}
			}
			if n := totals[action]; n != want[action]*len(keys) {
				return fmt.Errorf("audit log has %d %s events in all, want %d", n, action, want[action]*len(keys))
			}
		}
		maps.Copy(audit, totals)
		return nil
	}
}

// checkConnectorCalled: the sample connector answered exactly n calls of each
// method, so no retried test start ran a second test.
func checkConnectorCalled(tc *testConnector, n int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, m := range jwo.Methods {
			if got := tc.Connector.Calls(m); got != n {
				return fmt.Errorf("the connector answered %d %s calls, want %d", got, m, n)
			}
		}
		return nil
	}
}

// TestAccStoreConnector_faults applies 40 connectors and their connectivity
// tests through a proxy that fails about 30% of requests (refusals, resets,
// delays, answers lost after the portal acted), plans again and destroys
// through it: every write must land exactly once, and the plan after the
// apply must be empty.
func TestAccStoreConnector_faults(t *testing.T) {
	start := time.Now()
	tp := newTestPortal(t, withFourMethodStores(faultStores))
	tc := newTestConnector(t)
	proxy := newFaultProxy(t, tp, faultRate)
	config := faultProviderConfig(proxy.URL, tp.OperatorToken) + faultConnectorsHCL(tc.URL)
	keys := connectorKeys(faultStoreIDs()...)
	audit := map[jwo.AuditAction]int{}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			tp.checkConnectorsDestroyed,
			tp.checkAudit(keys, map[jwo.AuditAction]int{
				jwo.ActionConnectorCreate: 1, jwo.ActionConnectorDelete: 1, jwo.ActionTestStart: 1,
			}, audit),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					tp.checkPortalHolds(keys, tc.URL, 1, jwo.ConnectivitySuccessful),
					tp.checkAudit(keys, map[jwo.AuditAction]int{
						jwo.ActionConnectorCreate: 1, jwo.ActionConnectorUpdate: 0, jwo.ActionTestStart: 1,
					}, audit),
					checkConnectorCalled(tc, faultStores),
				),
			},
			// The next plan, through the same faults, is empty.
			{Config: config, PlanOnly: true},
		},
	})

	counts := proxy.Counts()
	lost := lostAnswers(proxy.Faults())
	t.Logf("fault figures: seed %d, %d requests proxied, faults %s; lost answers of creates %d, deletes %d, test starts %d, reads %d; "+
		"%d connectors; audit events %s; %s",
		proxy.Seed(), proxy.Requests(), formatCounts(counts),
		lost["create"], lost["delete"], lost["test start"], lost["read"],
		len(keys), formatCounts(audit), time.Since(start).Round(100*time.Millisecond))
	for _, k := range faultproxy.Kinds {
		if counts[k] == 0 {
			t.Errorf("no %s fault was injected: the test did not exercise it", k)
		}
	}
	for _, what := range []string{"create", "delete", "test start"} {
		if lost[what] < faultForced {
			t.Errorf("%d answers of a %s were lost, want at least %d", lost[what], what, faultForced)
		}
	}
}

// TestAccStoreConnector_lostAnswers loses the answer of the first attempt of
// writes after the portal applied them: creates, updates and deletes of four
// connectors. Each retry meets the write it repeats (412 or 404) and must
// end as success, with one audit event per write and an empty plan after.
func TestAccStoreConnector_lostAnswers(t *testing.T) {
	tp := newTestPortal(t)
	proxy := newFaultProxy(t, tp, 0) // only the forced lost answers
	first, second := newTestConnector(t), newTestConnector(t)
	config := func(endpoint string) string {
		hcl := faultProviderConfig(proxy.URL, tp.OperatorToken)
		for _, m := range jwo.Methods {
			hcl += connectorHCL(strings.ToLower(string(m)), accStoreJWO, string(m), endpoint, "PUBLIC")
		}
		return hcl
	}
	keys := connectorKeys(accStoreJWO)
	audit := map[jwo.AuditAction]int{}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			tp.checkConnectorsDestroyed,
			tp.checkAudit(keys, map[jwo.AuditAction]int{
				jwo.ActionConnectorCreate: 1, jwo.ActionConnectorUpdate: 1, jwo.ActionConnectorDelete: 1,
			}, audit),
		),
		Steps: []resource.TestStep{
			{
				Config: config(first.URL),
				Check: resource.ComposeAggregateTestCheckFunc(
					tp.checkPortalHolds(keys, first.URL, 1, jwo.ConnectivityUntested),
					tp.checkAudit(keys, map[jwo.AuditAction]int{jwo.ActionConnectorCreate: 1, jwo.ActionConnectorUpdate: 0}, audit),
				),
			},
			{
				Config: config(second.URL),
				Check: resource.ComposeAggregateTestCheckFunc(
					tp.checkPortalHolds(keys, second.URL, 2, jwo.ConnectivityUntested),
					tp.checkAudit(keys, map[jwo.AuditAction]int{jwo.ActionConnectorCreate: 1, jwo.ActionConnectorUpdate: 1}, audit),
				),
			},
			{Config: config(second.URL), PlanOnly: true},
		},
	})

	lost := lostAnswers(proxy.Faults())
	t.Logf("lost answers: %s; audit events %s", formatCounts(lost), formatCounts(audit))
	for _, what := range []string{"create", "update", "delete"} {
		if lost[what] != faultForced {
			t.Errorf("%d answers of a %s were lost, want %d", lost[what], what, faultForced)
		}
	}
}

// lostAnswers counts the dropped answers by the write they belonged to.
func lostAnswers(faults []faultproxy.Fault) map[string]int {
	out := map[string]int{}
	for _, f := range faults {
		if f.Kind != faultproxy.DropAnswer {
			continue
		}
		r := &http.Request{Method: f.Method, Header: f.Header, URL: &url.URL{Path: f.Path}}
		switch {
		case isCreate(r):
			out["create"]++
		case isUpdate(r):
			out["update"]++
		case isDelete(r):
			out["delete"]++
		case isTestStart(r):
			out["test start"]++
		default:
			out["read"]++
		}
	}
	return out
}

func formatCounts[K comparable](m map[K]int) string {
	parts := make([]string, 0, len(m))
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%v=%d", k, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}
