package readcache

import (
	"context"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// Every test serves the real portal of portaltest on loopback, on its own
// database; these are its seeded stores and the endpoints the tests save.
const (
	storeJWO = portaltest.StoreJWO // needs all four methods

	urlA = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	urlB = "https://xyz987abcd.execute-api.us-west-2.amazonaws.com/live"
	urlC = "https://oob456hijk.execute-api.us-east-1.amazonaws.com/hotfix"
)

// countedClient is a client with token of the portal behind a counting
// endpoint. It never retries, so every request counted is one the cache made.
func countedClient(t *testing.T, tp *portaltest.Portal, token string) (*client.Client, *portaltest.Counter) {
	t.Helper()
	url, rc := tp.CountingEndpoint(t, "")
	c, err := client.New(client.Config{Endpoint: url, Token: token, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, rc
}

// putConnector saves a connector out of band, with the operator's client.
func putConnector(t *testing.T, tp *portaltest.Portal, storeID string, m jwo.Method, url string) {
	t.Helper()
	if _, _, err := tp.Operator.PutConnector(context.Background(), storeID, m,
		jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
		t.Fatalf("put connector %s/%s: %v", storeID, m, err)
	}
}

// total is how many requests calls counts.
func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}
