package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// withFleet adds n stores to acme's seed for which every method applies
// (portaltest.FourMethodStores) and returns their ids.
func withFleet(prefix string, n int) (testPortalOption, []string) {
	stores := portaltest.FourMethodStores(prefix, n)
	ids := make([]string, n)
	for i, s := range stores {
		ids[i] = s.ID
	}
	return portaltest.WithStores(accMerchant, stores...), ids
}

// fleetHCL declares the four connectors of each store, as fleetConnectors
// saves them.
func fleetHCL(storeIDs []string, url string) string {
	var b strings.Builder
	for _, id := range storeIDs {
		for _, m := range jwo.Methods {
			b.WriteString(connectorHCL(strings.ToLower(id+"_"+string(m)), id, string(m), url, "PUBLIC"))
		}
	}
	return b.String()
}

// requestsSince is the requests counted since before, by "METHOD /path".
func requestsSince(rc *requestCounter, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range rc.snapshot() {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

// checkRequests is a Check that hands the requests made since *before to f.
func checkRequests(rc *requestCounter, before *map[string]int, f func(calls map[string]int) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f(requestsSince(rc, *before)) }
}

// summary prints calls sorted, for failure messages.
func summary(calls map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(calls)) {
		fmt.Fprintf(&b, "\n  %4d %s", calls[k], k)
	}
	return b.String()
}

// Creating 40 connectors over 10 stores costs their 40 PUTs and one listing
// of the stores in each of the two walks: the plan-time store check still
// runs (TestAccStoreConnector_planTimeErrors), from one request per walk.
func TestAccStoreConnector_applyCostsAPutAndLittleElse(t *testing.T) {
	fleet, ids := withFleet("acme-new", 10)
	tp := newTestPortal(t, fleet)
	endpoint, rc := tp.countingEndpoint(t)
	config := providerConfigAt(endpoint, tp.OperatorToken) + fleetHCL(ids, urlPublicA)
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			PreConfig: func() { before = rc.snapshot() },
			Config:    config,
			Check: checkRequests(rc, &before, func(calls map[string]int) error {
				puts := 0
				for k, n := range calls {
					if strings.HasPrefix(k, "PUT ") {
						puts += n
					}
				}
				if puts != 40 || total(calls) > 44 {
					return fmt.Errorf("the apply of 40 connectors made %d requests, %d of them PUTs; want 40 PUTs and at most 44 in all:%s",
						total(calls), puts, summary(calls))
				}
				t.Logf("apply of 40 connectors: %d requests, %d of them PUTs", total(calls), puts)
				return nil
			}),
		}},
	})
}
