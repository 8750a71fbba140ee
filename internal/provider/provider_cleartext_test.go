package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// configureProvider calls ConfigureProvider on the provider server as
// Terraform does at plan time, with only endpoint and token set.
func configureProvider(ctx context.Context, t *testing.T, endpoint string) []*tfprotov6.Diagnostic {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := sch.Provider.ValueType()
	vals := map[string]tftypes.Value{}
	for name, at := range typ.(tftypes.Object).AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["endpoint"] = tftypes.NewValue(tftypes.String, endpoint)
	vals["token"] = tftypes.NewValue(tftypes.String, "jwo_not-sent-anywhere")
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// Configure contacts nobody, so these endpoints are never dialled.
func TestConfigureWarnsOfCleartextTokenToAnotherMachine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		endpoint string
		warn     bool
	}{
		{"http://portal.example.com", true},
		{"HTTP://10.1.2.3:8787/base", true},
		{"http://user:hunter2@portal.example.com", true},
		{"https://portal.example.com", false},
		{"http://127.0.0.1:8787", false},
		{"http://[::1]:8787", false},
		{"http://localhost:8787", false},
	}
	for _, c := range cases {
		t.Run(c.endpoint, func(t *testing.T) {
			t.Parallel()
			var warnings []string
			for _, d := range configureProvider(t.Context(), t, c.endpoint) {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					t.Fatalf("error: %s: %s", d.Summary, d.Detail)
				}
				warnings = append(warnings, d.Summary+": "+d.Detail)
			}
			got := strings.Join(warnings, "\n")
			if c.warn != strings.Contains(got, "clear text") {
				t.Fatalf("endpoint %s: warnings %q; want a clear-text warning: %v", c.endpoint, got, c.warn)
			}
			if strings.Contains(got, "hunter2") {
				t.Errorf("the warning shows the endpoint's password: %q", got)
			}
		})
	}
}

// The debug line that names the configured endpoint hides its password.
func TestConfigureLogsTheEndpointRedacted(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &buf)
	configureProvider(ctx, t, "https://ops:hunter2@portal.example.com")
	out := buf.String()
	if !strings.Contains(out, "configured the JWO API client") || !strings.Contains(out, "portal.example.com") {
		t.Fatalf("no configuration line naming the endpoint, so the check proves nothing:\n%s", out)
	}
	if strings.Contains(out, "hunter2") {
		t.Errorf("the endpoint's password is in the log:\n%s", out)
	}
}
