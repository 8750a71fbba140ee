package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// newCountedCache is a connector cache over a real portal's client, behind a
// counting endpoint; wrap, when given, wraps its listing.
func newCountedCache(t *testing.T, tp *testPortal, wrap func(connectorListing) connectorListing) (*connectorCache, *client.Client, *requestCounter) {
	t.Helper()
	url, rc := tp.countingEndpoint(t)
	c, err := client.New(client.Config{Endpoint: url, Token: tp.OperatorToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	list := listConnectorsOf(c)
	if wrap != nil {
		list = wrap(list)
	}
	return newConnectorCache(list, c.GetConnector), c, rc
}

func mustRead(t *testing.T, cc *connectorCache, storeID string, m jwo.Method) jwo.Connector {
	t.Helper()
	conn, err := cc.read(context.Background(), storeID, m)
	if err != nil {
		t.Fatalf("read %s/%s: %v", storeID, m, err)
	}
	return conn
}

// A listing that the portal answered before a write of this process, but
// that arrives after it, never replaces the write's answer: the next Read
// returns what the write saved.
func TestConnectorCacheWriteIsNeverHiddenByAnOlderListing(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, urlPublicA)
	tp.putConnector(t, accStoreJWO, jwo.MethodOrdering, urlPublicA)
	answered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	cc, c, _ := newCountedCache(t, tp, func(list connectorListing) connectorListing {
		return func(ctx context.Context, storeIDs []string, token string) ([]jwo.Connector, string, error) {
			conns, next, err := list(ctx, storeIDs, token)
			once.Do(func() { close(answered) })
			<-release
			return conns, next, err
		}
	})

	loyalty := make(chan jwo.Connector, 1)
	go func() { loyalty <- mustRead(t, cc, accStoreJWO, jwo.MethodLoyalty) }()
	<-answered // the listing holds version 1 of ORDERING
	conn, _, err := c.PutConnector(context.Background(), accStoreJWO, jwo.MethodOrdering,
		jwo.ConnectorInput{EndpointURL: urlPublicBPlain, EndpointType: jwo.EndpointPublic}, client.Precondition{IfMatchVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	cc.wrote(conn)
	close(release)
	<-loyalty

	got := mustRead(t, cc, accStoreJWO, jwo.MethodOrdering)
	if got.Version != 2 || got.EndpointURL != urlPublicBPlain {
		t.Errorf("read after the write: version %d, %s; want version 2, %s", got.Version, got.EndpointURL, urlPublicBPlain)
	}
}

// Each entry is handed out once: a second Read of a connector asks the
// portal, and sees a change made in between.
func TestConnectorCacheHandsEachEntryOutOnce(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, urlPublicA)
	cc, _, rc := newCountedCache(t, tp, nil)
	mustRead(t, cc, accStoreJWO, jwo.MethodLoyalty)
	tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, urlOutOfBand)
	if got := mustRead(t, cc, accStoreJWO, jwo.MethodLoyalty); got.EndpointURL != urlOutOfBand {
		t.Errorf("second read: %s, want the change %s", got.EndpointURL, urlOutOfBand)
	}
	calls := rc.snapshot()
	if calls["GET /v1/connectors"] != 1 || calls["GET /v1/stores/"+accStoreJWO+"/connectors/loyalty"] != 1 {
		t.Errorf("requests %v, want one listing and one GET of the connector", calls)
	}
}

// A connector missing from a listing is asked for on its own, so the 404
// that removes it from the state is the portal's answer for it.
func TestConnectorCacheConfirmsAbsenceWithTheConnectorsOwnAnswer(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	cc, _, rc := newCountedCache(t, tp, nil)
	if _, err := cc.read(context.Background(), accStoreJWO, jwo.MethodLoyalty); !client.IsNotFound(err) {
		t.Fatalf("err = %v, want 404", err)
	}
	calls := rc.snapshot()
	if calls["GET /v1/connectors"] != 1 || calls["GET /v1/stores/"+accStoreJWO+"/connectors/loyalty"] != 1 {
		t.Errorf("requests %v, want one listing and one GET of the connector", calls)
	}
}

// A portal whose listing fails (or that has none) still serves every Read,
// each with its own GET, as without the cache.
func TestConnectorCacheFallsBackToAGetPerRead(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, urlPublicA)
	tp.putConnector(t, accStoreJWO, jwo.MethodOrdering, urlPublicA)
	cc, _, rc := newCountedCache(t, tp, func(connectorListing) connectorListing {
		return func(context.Context, []string, string) ([]jwo.Connector, string, error) {
			return nil, "", errors.New("no listing here")
		}
	})
	for _, m := range []jwo.Method{jwo.MethodLoyalty, jwo.MethodOrdering} {
		if got := mustRead(t, cc, accStoreJWO, m); got.EndpointURL != urlPublicA {
			t.Errorf("%s: %s", m, got.EndpointURL)
		}
	}
	calls := rc.snapshot()
	if calls["GET /v1/stores/"+accStoreJWO+"/connectors/loyalty"] != 1 || calls["GET /v1/stores/"+accStoreJWO+"/connectors/ordering"] != 1 {
		t.Errorf("requests %v, want one GET per connector", calls)
	}
}

// A few stores beyond the first page of a large merchant are served by
// batches of those stores, never by walking the rest of the merchant.
func TestConnectorCacheServesAFewStoresOfALargeMerchantByBatches(t *testing.T) {
	t.Parallel()
	fleet, fleetIDs := withFleet("acme-fleet", 500)
	tp := newTestPortal(t, fleet)
	tp.saveFleetConnectors(t, fleetIDs, urlPublicA)
	var listings []string
	var mu sync.Mutex
	cc, _, rc := newCountedCache(t, tp, func(list connectorListing) connectorListing {
		return func(ctx context.Context, storeIDs []string, token string) ([]jwo.Connector, string, error) {
			mu.Lock()
			listings = append(listings, fmt.Sprintf("stores %v, page token %q", storeIDs, token))
			mu.Unlock()
			return list(ctx, storeIDs, token)
		}
	})
	// The last three stores sort far beyond the first page's 250 stores.
	var wg sync.WaitGroup
	for _, id := range fleetIDs[len(fleetIDs)-3:] {
		for _, m := range jwo.Methods {
			wg.Go(func() {
				if got := mustRead(t, cc, id, m); got.StoreID != id || got.Method != m {
					t.Errorf("read %s/%s: got %s/%s", id, m, got.StoreID, got.Method)
				}
			})
		}
	}
	wg.Wait()
	if len(listings) > 4 || len(rc.snapshot()) != 1 {
		t.Errorf("requests %v; listings:\n%s\nwant the first page and at most three batches, nothing else", rc.snapshot(), strings.Join(listings, "\n"))
	}
	for _, l := range listings[1:] {
		if !strings.Contains(l, `token ""`) || strings.Contains(l, "stores []") {
			t.Errorf("a listing after the first page walked the merchant: %s", l)
		}
	}
}
