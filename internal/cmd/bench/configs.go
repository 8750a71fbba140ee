package main

import (
	"fmt"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// variant is one of the three things an apply row compares.
type variant string

const (
	floorA variant = "floor A (terraform_data)"
	floorB variant = "floor B (no-I/O provider)"
	ours   variant = "jwo_store_connector"
)

var variants = []variant{floorA, floorB, ours}

// benchEndpoint is a public API Gateway URL: the portal checks its shape but
// never calls it, since the applies run no connectivity test.
const benchEndpoint = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"

// connectorBlocks writes n resource blocks over n/4 stores named
// PREFIX-00001..., every method of jwo.Methods each; body turns one connector into the
// block's arguments. Every variant gets the same literal blocks, written
// out rather than made with for_each over a local map, which Terraform plans
// far more slowly (PERFORMANCE.md, what the harness does).
func connectorBlocks(typ, prefix string, n int, body func(storeID, method string) string) string {
	var b strings.Builder
	methods := jwo.Strings(jwo.Methods)
	for i := 1; i <= n/len(methods); i++ {
		storeID := fmt.Sprintf("%s-%05d", prefix, i)
		for _, m := range methods {
			fmt.Fprintf(&b, "resource %q \"c%05d_%s\" {\n%s}\n\n", typ, i, strings.ToLower(m), body(storeID, m))
		}
	}
	return b.String()
}

func connectorArguments(storeID, method string) string {
	return fmt.Sprintf("  store_id      = %q\n  method        = %q\n  endpoint_url  = %q\n  endpoint_type = \"PUBLIC\"\n",
		storeID, method, benchEndpoint)
}

func applyConfig(v variant, prefix string, n int) string {
	switch v {
	case floorA:
		return connectorBlocks("terraform_data", prefix, n, func(storeID, method string) string {
			return fmt.Sprintf("  input = {\n    store_id = %q\n    method   = %q\n    url      = %q\n    type     = \"PUBLIC\"\n  }\n",
				storeID, method, benchEndpoint)
		})
	case floorB:
		return `terraform {
  required_providers {
    jwofloor = { source = "justwalkout/jwofloor" }
  }
}

` + connectorBlocks("jwofloor_store_connector", prefix, n, connectorArguments)
	default:
		return jwoProvider + "\n" + connectorBlocks("jwo_store_connector", prefix, n, connectorArguments)
	}
}

// jwoProvider takes endpoint and token from JWO_ENDPOINT and JWO_TOKEN.
const jwoProvider = `terraform {
  required_providers {
    jwo = { source = "justwalkout/jwo" }
  }
}
`

// testsConfig has one IDENTITY test on each of the first n scale stores,
// whose connectors point at the sample connector; the floors get the same
// blocks (floor B's resource waits out the latency instead of calling).
func testsConfig(v variant, n int) string {
	var b strings.Builder
	typ := "jwo_connectivity_test"
	switch v {
	case floorA:
		typ = "terraform_data"
	case floorB:
		typ = "jwofloor_connectivity_test"
		b.WriteString(`terraform {
  required_providers {
    jwofloor = { source = "justwalkout/jwofloor" }
  }
}

`)
	default:
		b.WriteString(jwoProvider + "\n")
	}
	for i := 1; i <= n; i++ {
		if v == floorA {
			fmt.Fprintf(&b, "resource %q \"t%05d\" {\n  input = {\n    store_id = %q\n    method   = \"IDENTITY\"\n  }\n}\n\n", typ, i, scaleStoreID(i))
			continue
		}
		fmt.Fprintf(&b, "resource %q \"t%05d\" {\n  store_id = %q\n  method   = \"IDENTITY\"\n}\n\n", typ, i, scaleStoreID(i))
	}
	if v == ours {
		fmt.Fprintf(&b, "output \"successful\" {\n  value = length([for t in [%s] : t if t.status == \"SUCCESSFUL\"])\n}\n", testRefs(n))
	}
	return b.String()
}

func testRefs(n int) string {
	refs := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		refs = append(refs, fmt.Sprintf("jwo_connectivity_test.t%05d", i))
	}
	return strings.Join(refs, ", ")
}

// storesConfig lists every store of the token's merchant; floor B's data
// source makes up as many without a request.
func storesConfig(v variant) string {
	if v == floorB {
		return `terraform {
  required_providers {
    jwofloor = { source = "justwalkout/jwofloor" }
  }
}

data "jwofloor_stores" "all" {}

output "stores" {
  value = length(data.jwofloor_stores.all.stores)
}
`
	}
	return jwoProvider + `
data "jwo_stores" "all" {}

output "stores" {
  value = length(data.jwo_stores.all.stores)
}
`
}

// benchStoreIDs are the stores the applies of one N and repetition fill.
func benchStoreIDs(prefix string, n int) []string {
	ids := make([]string, 0, n/len(jwo.Methods))
	for i := 1; i <= n/len(jwo.Methods); i++ {
		ids = append(ids, fmt.Sprintf("%s-%05d", prefix, i))
	}
	return ids
}
