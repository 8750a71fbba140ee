package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// v0ConnectorState is jwo_store_connector's state as schema version 0 wrote
// it: test results included.
func v0ConnectorState(endpointURL, lastTestID string) map[string]any {
	return map[string]any{
		"id": accStoreJWO + "/ORDERING", "store_id": accStoreJWO, "method": "ORDERING",
		"endpoint_url": endpointURL, "endpoint_type": "PUBLIC", "version": 1,
		"connectivity_status": "SUCCESSFUL", "last_test_id": lastTestID,
		"updated_at": "2026-12-01T10:00:00Z", "updated_by": "acme-operator", "last_changed_via": "TERRAFORM",
	}
}

// The upgrader keeps every attribute of a version 0 state but the two that
// test runs changed, which become null.
func TestStoreConnectorUpgradeState_v0(t *testing.T) {
	srv := newUnconfiguredServer(t)
	old := v0ConnectorState("https://abc123defg.execute-api.us-east-1.amazonaws.com/prod", "5c016d05-f372-4f25-a9b7-febddcd330ce")
	raw, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "jwo_store_connector", Version: 0, RawState: &tfprotov6.RawState{JSON: raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "UpgradeResourceState", resp.Diagnostics)
	schemas, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := schemas.ResourceSchemas["jwo_store_connector"]
	if s.Version != 1 {
		t.Fatalf("schema version %d, want 1", s.Version)
	}
	got := decode(t, s.Block, resp.UpgradedState)
	for name, want := range old {
		switch name {
		case "connectivity_status", "last_test_id":
			want = nil
		case "version":
			want = int64(1)
		}
		if fmt.Sprint(got[name]) != fmt.Sprint(want) {
			t.Errorf("upgraded %s = %v, want %v", name, got[name], want)
		}
	}
}

// TestAccStoreConnector_upgradeFromV0: a state file written by schema
// version 0, of a connector tested since, upgrades without drift, without a
// change and without a replacement; the upgraded state is version 1 with no
// test results.
func TestAccStoreConnector_upgradeFromV0(t *testing.T) {
	tp, plugins := newCLITest(t)
	tc := newTestConnector(t)
	ctx := context.Background()
	if _, _, err := tp.Operator.PutConnector(ctx, accStoreJWO, jwo.MethodOrdering,
		jwo.ConnectorInput{EndpointURL: tc.URL, EndpointType: jwo.EndpointPublic}, client.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatal(err)
	}
	run, err := tp.Operator.StartTest(ctx, accStoreJWO, jwo.MethodOrdering, accSKU, "")
	if err == nil {
		run, err = tp.Operator.WaitTest(ctx, run.ID)
	}
	if err != nil || run.Status != jwo.TestSuccessful {
		t.Fatalf("test run: %+v, %v", run, err)
	}
	conn, err := tp.Viewer.GetConnector(ctx, accStoreJWO, jwo.MethodOrdering)
	if err != nil {
		t.Fatal(err)
	}

	w := newCLIWorkspace(t, plugins, cliProviderBlock(tp, tp.OperatorToken)+connectorHCL("ordering", accStoreJWO, "ORDERING", tc.URL, "PUBLIC"))
	attrs := v0ConnectorState(tc.URL, run.ID)
	attrs["updated_at"] = conn.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")
	attrs["updated_by"], attrs["last_changed_via"] = conn.UpdatedBy, string(conn.LastChangedVia)
	w.writeFile("terraform.tfstate", v0StateFile(t, attrs))

	expectNoDrift(t, w, "an upgrade from schema version 0")
	w.mustRun(0, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	var state struct {
		Resources []struct {
			Instances []struct {
				SchemaVersion int            `json:"schema_version"`
				Attributes    map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(w.readFile("terraform.tfstate")), &state); err != nil {
		t.Fatal(err)
	}
	if len(state.Resources) != 1 || len(state.Resources[0].Instances) != 1 {
		t.Fatalf("state after the upgrade: %+v", state)
	}
	got := state.Resources[0].Instances[0]
	if got.SchemaVersion != 1 || got.Attributes["connectivity_status"] != nil || got.Attributes["last_test_id"] != nil ||
		got.Attributes["endpoint_url"] != tc.URL || got.Attributes["version"] != float64(1) {
		t.Errorf("state after the upgrade: schema version %d, attributes %v", got.SchemaVersion, got.Attributes)
	}
}

// v0StateFile is a Terraform state file of one jwo_store_connector at schema
// version 0, for the binary TF_ACC_TERRAFORM_PATH names.
func v0StateFile(t *testing.T, attrs map[string]any) string {
	t.Helper()
	// dev_overrides names the provider without a host: each binary reads it
	// as its own registry's.
	host := "registry.terraform.io"
	if isOpenTofu(t) {
		host = "registry.opentofu.org"
	}
	v := terraformVersion(t)
	instance := map[string]any{"schema_version": 0, "attributes": attrs, "sensitive_attributes": []any{}}
	if v[0] > 1 || v[1] >= 12 {
		// What these versions wrote: the identity, which schema version 0
		// already had.
		instance["identity"] = map[string]any{"store_id": attrs["store_id"], "method": attrs["method"]}
		instance["identity_schema_version"] = 0
	}
	file := map[string]any{
		"version": 4, "terraform_version": fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]), "serial": 1,
		"lineage": "6f1d3a52-6a53-4bd4-9d7e-0d2f2b1c9a10", "outputs": map[string]any{},
		"resources": []any{map[string]any{
			"mode": "managed", "type": "jwo_store_connector", "name": "ordering",
			"provider":  fmt.Sprintf("provider[%q]", host+"/justwalkout/jwo"),
			"instances": []any{instance},
		}},
	}
	b, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b)) + "\n"
}
