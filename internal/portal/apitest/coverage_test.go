package apitest

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// required lists every answer the suite must have seen, and had validated,
// by the time it ends: each call of API.md with each status API.md names,
// and the statuses every call can meet (400, 401, 403, 413, 429).
var required = []string{
	"GET /healthz 200",
	"GET /v1/openapi.json 200",

	"GET /v1/stores 200",
	"GET /v1/stores 400",
	"GET /v1/stores 401",
	"GET /v1/stores 429",
	"POST /v1/stores 201",
	"POST /v1/stores 400",
	"POST /v1/stores 403",
	"POST /v1/stores 409",
	"POST /v1/stores 422",
	"GET /v1/stores/{store_id} 200",
	"GET /v1/stores/{store_id} 404",
	"PATCH /v1/stores/{store_id} 200",
	"PATCH /v1/stores/{store_id} 403",
	"PATCH /v1/stores/{store_id} 404",
	"PATCH /v1/stores/{store_id} 422",
	"GET /v1/stores/{store_id}/completion 200",
	"GET /v1/stores/{store_id}/completion 404",

	"GET /v1/connectors 200",
	"GET /v1/connectors 400",
	"GET /v1/connectors 401",
	"GET /v1/stores/{store_id}/connectors 200",
	"GET /v1/stores/{store_id}/connectors 404",
	"GET /v1/stores/{store_id}/connectors/{method} 200",
	"GET /v1/stores/{store_id}/connectors/{method} 404",
	"PUT /v1/stores/{store_id}/connectors/{method} 200",
	"PUT /v1/stores/{store_id}/connectors/{method} 201",
	"PUT /v1/stores/{store_id}/connectors/{method} 400",
	"PUT /v1/stores/{store_id}/connectors/{method} 403",
	"PUT /v1/stores/{store_id}/connectors/{method} 404",
	"PUT /v1/stores/{store_id}/connectors/{method} 409",
	"PUT /v1/stores/{store_id}/connectors/{method} 412",
	"PUT /v1/stores/{store_id}/connectors/{method} 413",
	"PUT /v1/stores/{store_id}/connectors/{method} 422",
	"DELETE /v1/stores/{store_id}/connectors/{method} 204",
	"DELETE /v1/stores/{store_id}/connectors/{method} 403",
	"DELETE /v1/stores/{store_id}/connectors/{method} 404",
	"DELETE /v1/stores/{store_id}/connectors/{method} 412",

	"POST /v1/stores/{store_id}/connectors/{method}/tests 202",
	"POST /v1/stores/{store_id}/connectors/{method}/tests 403",
	"POST /v1/stores/{store_id}/connectors/{method}/tests 404",
	"POST /v1/stores/{store_id}/connectors/{method}/tests 409",
	"POST /v1/stores/{store_id}/connectors/{method}/tests 422",
	"POST /v1/stores/{store_id}/connectors/{method}/tests 429",
	"GET /v1/stores/{store_id}/connectors/{method}/tests 200",
	"GET /v1/tests 200",
	"GET /v1/tests 400",
	"GET /v1/tests 401",
	"GET /v1/tests/{test_id} 200",
	"GET /v1/tests/{test_id} 404",

	"GET /v1/stores/{store_id}/catalog/items 200",
	"PUT /v1/stores/{store_id}/catalog/items/{sku} 200",
	"PUT /v1/stores/{store_id}/catalog/items/{sku} 403",
	"PUT /v1/stores/{store_id}/catalog/items/{sku} 409",
	"PUT /v1/stores/{store_id}/catalog/items/{sku} 422",

	"GET /v1/audit-events 200",

	"GET /v1/tokens 200",
	"GET /v1/tokens 403",
	"DELETE /v1/tokens/{token_id} 204",
	"DELETE /v1/tokens/{token_id} 403",
	"DELETE /v1/tokens/{token_id} 404",

	"GET /v1/trust-policies 200",
	"GET /v1/trust-policies 403",
	"POST /v1/trust-policies 201",
	"POST /v1/trust-policies 400",
	"POST /v1/trust-policies 403",
	"POST /v1/trust-policies 422",
	"DELETE /v1/trust-policies/{policy_id} 204",
	"DELETE /v1/trust-policies/{policy_id} 403",
	"DELETE /v1/trust-policies/{policy_id} 404",
	"POST /v1/oauth/token 200",
	"POST /v1/oauth/token 400",
}

var (
	seenMu sync.Mutex
	seen   = map[string]int{}
)

// record adds one portal's validated answers to the suite's tally.
func record(s map[string]int) {
	seenMu.Lock()
	defer seenMu.Unlock()
	for k, n := range s {
		seen[k] += n
	}
}

// TestMain runs the suite on each engine, and checks, after a full and
// green run on each, that the suite met every required answer: a test that
// silently stopped covering a status would otherwise go unnoticed.
func TestMain(m *testing.M) {
	flag.Parse()
	code := 0
	for _, e := range portaltest.Engines {
		engine = e
		seenMu.Lock()
		clear(seen)
		seenMu.Unlock()
		if c := m.Run(); c != 0 {
			fmt.Fprintf(os.Stderr, "apitest: the suite failed on %s\n", e.Name)
			code = c
			continue
		}
		if flag.Lookup("test.run").Value.String() != "" || testing.Short() {
			continue
		}
		if missing := missingAnswers(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "apitest: on %s the suite never saw these answers: %q\n", e.Name, missing)
			code = 1
		}
	}
	pgtest.StopShared()
	os.Exit(code)
}

func missingAnswers() []string {
	seenMu.Lock()
	defer seenMu.Unlock()
	var missing []string
	for _, k := range required {
		if seen[k] == 0 {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	return missing
}
