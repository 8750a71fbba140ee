package api

import (
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// The audit actor says which front end a change came through: the provider
// by its User-Agent, the plain API by nothing. The console's "Managed by
// Terraform" reads it back.
func TestAuditActorNamesTheFrontEnd(t *testing.T) {
	e := newEnv(t)
	path := "/v1/stores/acme-sea-01/connectors/ordering"
	e.must(201, "PUT", path, "operator", connectorBody(publicURL, jwo.EndpointPublic),
		"User-Agent", "terraform-provider-jwo/0.1.0 terraform/1.11.4 jwo-client/0.1.0")
	e.must(200, "PUT", path, "operator", connectorBody(publicURL2, jwo.EndpointPublic), "User-Agent", "curl/8.5.0")
	events := e.allAudit("viewer", "store_id=acme-sea-01")
	var got []string
	for _, ev := range events {
		if ev.Method == jwo.MethodOrdering {
			got = append(got, ev.Actor)
		}
	}
	want := []string{"otto-operator via terraform", "otto-operator"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("actors %q, want %q", got, want)
	}
	if v := portal.ActorVia(got[0]); v != portal.ViaTerraform {
		t.Errorf("ActorVia(%q) = %q", got[0], v)
	}
	// updated_by stays the token's name: it is in Terraform state, and the
	// front end is not a property of the connector.
	var c jwo.Connector
	e.must(200, "GET", path, "viewer", "").json(t, &c)
	if c.UpdatedBy != "otto-operator" {
		t.Errorf("updated_by = %q", c.UpdatedBy)
	}
}
