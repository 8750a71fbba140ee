package apitest

import (
	"net/http"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// In production, every host spelling that the tester would dial as an IP is
// a 422 on endpoint_url when saved, and a port with leading zeros is saved
// without them.
func TestSavedHostsFollowTheDialersRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *portaltest.Setup) { s.Options.Dev = false })
	ctx := t.Context()
	for _, u := range []string{"https://0x7f.0.0.0x1/", "https://0177.0.0.0x1/", "https://169.254.169.0xfe/", "https://2130706433/prod"} {
		_, _, err := e.operator.PutConnector(ctx, storeFull, jwo.MethodIdentity, jwo.ConnectorInput{EndpointURL: u, EndpointType: jwo.EndpointPublic}, client.Precondition{})
		wantStatus(t, err, http.StatusUnprocessableEntity, "PUT "+u)
		if !fieldNamed(err, "endpoint_url") {
			t.Errorf("PUT %s: %v; want a field error on endpoint_url", u, err)
		}
	}
	c, _, err := e.operator.PutConnector(ctx, storeFull, jwo.MethodIdentity,
		jwo.ConnectorInput{EndpointURL: "https://abc123defg.execute-api.us-east-1.amazonaws.com:0018999/prod", EndpointType: jwo.EndpointPublic}, client.Precondition{})
	if err != nil || c.EndpointURL != "https://abc123defg.execute-api.us-east-1.amazonaws.com:18999/prod" {
		t.Errorf("a port with leading zeros: %q, %v; want it saved as :18999", c.EndpointURL, err)
	}
}
