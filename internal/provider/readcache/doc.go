// Package readcache coalesces the provider's reads of one Terraform walk into
// as few portal requests as it can: Connectors serves the Reads of
// jwo_store_connector from merchant listings, Runs those of
// jwo_connectivity_test from lists of runs, and Stores the plan-time store
// check from the merchant's first page of stores. One value of each lives for
// one provider configuration (Configure makes them), so nothing it holds
// predates the walk. It knows the API client, not Terraform: the provider's
// acceptance tests (batched_refresh*_test.go) prove the request counts end to
// end, its own tests the rules (a write is never hidden by an older listing,
// an entry is handed out once, absence is the portal's own 404).
package readcache
