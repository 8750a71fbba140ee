package portaltest

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// TestStartServesTheSeedToEachMerchant: every seeded store is there, each
// merchant sees only its own, and each ready client has its role.
func TestStartServesTheSeedToEachMerchant(t *testing.T) {
	t.Parallel()
	tp := Start(t)
	ctx := t.Context()

	stores, err := tp.Viewer.AllStores(ctx, client.StoreFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range stores {
		ids = append(ids, s.ID)
	}
	if want := []string{StoreDashCart, StoreJWO, StoreNotRequired}; !slices.Equal(ids, want) {
		t.Errorf("acme's stores = %v, want %v", ids, want)
	}
	if _, err := tp.Viewer.GetStore(ctx, StoreOther); client.StatusCode(err) != http.StatusNotFound {
		t.Errorf("acme reading globex's store: %v, want 404", err)
	}
	if _, err := tp.OtherAdmin.GetStore(ctx, StoreOther); err != nil {
		t.Errorf("globex reading its store: %v", err)
	}
	if _, _, err := tp.Viewer.PutConnector(ctx, StoreJWO, jwo.MethodIdentity, jwo.ConnectorInput{EndpointURL: ClosedURL(t), EndpointType: jwo.EndpointPublic}, client.Precondition{}); client.StatusCode(err) != http.StatusForbidden {
		t.Errorf("the viewer's put: %v, want 403", err)
	}
	if tp.Token(Merchant, jwo.RoleViewer) != tp.ViewerToken {
		t.Error("Token minted a second viewer token instead of returning the first")
	}
}

// TestStartConnectorAnswersOnLoopback: the sample connector is reachable,
// and ClosedURL is a loopback address where nothing listens.
func TestStartConnectorAnswersOnLoopback(t *testing.T) {
	t.Parallel()
	c := StartConnector(t)
	for _, raw := range []string{c.URL, ClosedURL(t)} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			t.Errorf("%s is not on loopback", raw)
		}
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	if conn, err := d.DialContext(t.Context(), "tcp", c.URL[len("http://"):]); err != nil {
		t.Errorf("dial the connector: %v", err)
	} else {
		_ = conn.Close()
	}
	if conn, err := d.DialContext(t.Context(), "tcp", ClosedURL(t)[len("http://"):]); err == nil {
		_ = conn.Close()
		t.Error("something listens at ClosedURL")
	}
}
