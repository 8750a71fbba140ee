package readcache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// newCountedCache is a connector cache over a real portal's client, behind a
// counting endpoint; wrap, when given, wraps its listing.
func newCountedCache(t *testing.T, tp *portaltest.Portal, wrap func(connectorListing) connectorListing) (*Connectors, *client.Client, *portaltest.Counter) {
	t.Helper()
	c, rc := countedClient(t, tp, tp.OperatorToken)
	list := listConnectorsOf(c)
	if wrap != nil {
		list = wrap(list)
	}
	return newConnectors(list, c.GetConnector), c, rc
}

func mustRead(t *testing.T, cc *Connectors, storeID string, m jwo.Method) jwo.Connector {
	t.Helper()
	conn, err := cc.Read(context.Background(), storeID, m)
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
	tp := portaltest.Start(t)
	putConnector(t, tp, storeJWO, jwo.MethodLoyalty, urlA)
	putConnector(t, tp, storeJWO, jwo.MethodOrdering, urlA)
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
	go func() { loyalty <- mustRead(t, cc, storeJWO, jwo.MethodLoyalty) }()
	<-answered // the listing holds version 1 of ORDERING
	conn, _, err := c.PutConnector(context.Background(), storeJWO, jwo.MethodOrdering,
		jwo.ConnectorInput{EndpointURL: urlB, EndpointType: jwo.EndpointPublic}, client.Precondition{IfMatchVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	cc.Wrote(conn)
	close(release)
	<-loyalty

	got := mustRead(t, cc, storeJWO, jwo.MethodOrdering)
	if got.Version != 2 || got.EndpointURL != urlB {
		t.Errorf("read after the write: version %d, %s; want version 2, %s", got.Version, got.EndpointURL, urlB)
	}
}

// Each entry is handed out once: a second Read of a connector asks the
// portal, and sees a change made in between.
func TestConnectorCacheHandsEachEntryOutOnce(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	putConnector(t, tp, storeJWO, jwo.MethodLoyalty, urlA)
	cc, _, rc := newCountedCache(t, tp, nil)
	mustRead(t, cc, storeJWO, jwo.MethodLoyalty)
	putConnector(t, tp, storeJWO, jwo.MethodLoyalty, urlC)
	if got := mustRead(t, cc, storeJWO, jwo.MethodLoyalty); got.EndpointURL != urlC {
		t.Errorf("second read: %s, want the change %s", got.EndpointURL, urlC)
	}
	calls := rc.Snapshot()
	if calls["GET /v1/connectors"] != 1 || calls["GET /v1/stores/"+storeJWO+"/connectors/loyalty"] != 1 {
		t.Errorf("requests %v, want one listing and one GET of the connector", calls)
	}
}

// A connector missing from a listing is asked for on its own, so the 404
// that removes it from the state is the portal's answer for it.
func TestConnectorCacheConfirmsAbsenceWithTheConnectorsOwnAnswer(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	cc, _, rc := newCountedCache(t, tp, nil)
	if _, err := cc.Read(context.Background(), storeJWO, jwo.MethodLoyalty); !client.IsNotFound(err) {
		t.Fatalf("err = %v, want 404", err)
	}
	calls := rc.Snapshot()
	if calls["GET /v1/connectors"] != 1 || calls["GET /v1/stores/"+storeJWO+"/connectors/loyalty"] != 1 {
		t.Errorf("requests %v, want one listing and one GET of the connector", calls)
	}
}

// A portal whose listing fails (or that has none) still serves every Read,
// each with its own GET, as without the cache.
func TestConnectorCacheFallsBackToAGetPerRead(t *testing.T) {
	t.Parallel()
	tp := portaltest.Start(t)
	putConnector(t, tp, storeJWO, jwo.MethodLoyalty, urlA)
	putConnector(t, tp, storeJWO, jwo.MethodOrdering, urlA)
	cc, _, rc := newCountedCache(t, tp, func(connectorListing) connectorListing {
		return func(context.Context, []string, string) ([]jwo.Connector, string, error) {
			return nil, "", errors.New("no listing here")
		}
	})
	for _, m := range []jwo.Method{jwo.MethodLoyalty, jwo.MethodOrdering} {
		if got := mustRead(t, cc, storeJWO, m); got.EndpointURL != urlA {
			t.Errorf("%s: %s", m, got.EndpointURL)
		}
	}
	calls := rc.Snapshot()
	if calls["GET /v1/stores/"+storeJWO+"/connectors/loyalty"] != 1 || calls["GET /v1/stores/"+storeJWO+"/connectors/ordering"] != 1 {
		t.Errorf("requests %v, want one GET per connector", calls)
	}
}

// A few stores beyond the first page of a large merchant are served by
// batches of those stores, never by walking the rest of the merchant.
func TestConnectorCacheServesAFewStoresOfALargeMerchantByBatches(t *testing.T) {
	t.Parallel()
	fleet := portaltest.FourMethodStores("acme-fleet", 500)
	tp := portaltest.Start(t, portaltest.WithStores(portaltest.Merchant, fleet...))
	var fleetIDs []string
	for _, s := range fleet {
		fleetIDs = append(fleetIDs, s.ID)
	}
	tp.SaveConnectors(t, portaltest.Merchant, fleetIDs, urlA)
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
	if len(listings) > 4 || len(rc.Snapshot()) != 1 {
		t.Errorf("requests %v; listings:\n%s\nwant the first page and at most three batches, nothing else", rc.Snapshot(), strings.Join(listings, "\n"))
	}
	for _, l := range listings[1:] {
		if !strings.Contains(l, `token ""`) || strings.Contains(l, "stores []") {
			t.Errorf("a listing after the first page walked the merchant: %s", l)
		}
	}
}
