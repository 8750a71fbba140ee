package provider

// Terraform 1.14 (list resources, actions) is not on these machines, so
// those features are tested at the protocol level: the provider server that
// Terraform would talk to, called directly, against the real portal.

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// protoProvider is one provider server, configured for a test portal.
type protoProvider struct {
	t      testing.TB
	srv    tfprotov6.ProviderServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// newProtoProvider starts the provider server as Terraform 1.14 would and
// configures it with the portal and token.
func newProtoProvider(t testing.TB, tp *testPortal, token string) *protoProvider {
	t.Helper()
	return newProtoProviderAt(t, tp.URL, token)
}

// newProtoProviderAt is newProtoProvider for another endpoint of the portal,
// e.g. a counting one.
func newProtoProviderAt(t testing.TB, endpoint, token string) *protoProvider {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schema, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "GetProviderSchema", schema.Diagnostics)
	p := &protoProvider{t: t, srv: srv, schema: schema}
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config: p.dynamic(schema.Provider.Block, map[string]tftypes.Value{
			"endpoint":        tftypes.NewValue(tftypes.String, endpoint),
			"token":           tftypes.NewValue(tftypes.String, token),
			"request_timeout": tftypes.NewValue(tftypes.String, "10s"),
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "ConfigureProvider", resp.Diagnostics)
	return p
}

// dynamic is a value of the block's type: the given attributes, every other
// one null.
func (p *protoProvider) dynamic(block *tfprotov6.SchemaBlock, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	typ, ok := block.ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatalf("block type %s is not an object", block.ValueType())
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
			continue
		}
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name := range attrs {
		if _, ok := typ.AttributeTypes[name]; !ok {
			p.t.Fatalf("the block has no attribute %q", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// decode turns a dynamic value of a block back into Go values by attribute
// (strings, numbers as int64, bools; null as nil).
func decode(t testing.TB, block *tfprotov6.SchemaBlock, dv *tfprotov6.DynamicValue) map[string]any {
	t.Helper()
	v, err := dv.Unmarshal(block.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for name, a := range attrs {
		switch {
		case a.IsNull():
			out[name] = nil
		case a.Type().Is(tftypes.String):
			var s string
			_ = a.As(&s)
			out[name] = s
		case a.Type().Is(tftypes.Number):
			var f big.Float
			if err := a.As(&f); err != nil {
				t.Fatal(err)
			}
			n, _ := f.Int64()
			out[name] = n
		case a.Type().Is(tftypes.Bool):
			var b bool
			_ = a.As(&b)
			out[name] = b
		default:
			out[name] = a.String()
		}
	}
	return out
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// failOnDiagnostics fails on any error diagnostic.
func failOnDiagnostics(t testing.TB, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}

// errorsOf are the error diagnostics as "summary: detail", with the
// attribute path when there is one.
func errorsOf(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		s := d.Summary + ": " + d.Detail
		if d.Attribute != nil {
			s = d.Attribute.String() + ": " + s
		}
		out = append(out, s)
	}
	return out
}

// seedConnectors gives acme n more connectors, four per store (stores
// "<prefix>-01"... that need every method), saved through the API by 16
// writers at once as a fleet's pipelines would. It returns their ids in
// list order.
func (tp *testPortal) seedConnectors(t testing.TB, prefix string, stores int) []string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan [2]string)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for j := range jobs {
				in := jwo.ConnectorInput{EndpointURL: "https://connectors.example.com/" + j[0] + "/" + j[1], EndpointType: jwo.EndpointPublic}
				if _, _, err := tp.Operator.PutConnector(ctx, j[0], jwo.Method(j[1]), in, client.Precondition{}); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("save %s/%s: %w", j[0], j[1], err))
					mu.Unlock()
				}
			}
		})
	}
	var ids []string
	for i := 1; i <= stores; i++ {
		storeID := fmt.Sprintf("%s-%02d", prefix, i)
		for _, m := range jwo.Methods {
			jobs <- [2]string{storeID, string(m)}
			ids = append(ids, connectorID(storeID, m))
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	slices.Sort(ids)
	return ids
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// withStoresNeedingEveryMethod seeds n stores "<prefix>-01"... that need
// every method.
func withStoresNeedingEveryMethod(prefix string, n int) testPortalOption {
	return portaltest.WithStores(accMerchant, portaltest.FourMethodStores(prefix, n)...)
}

// newUnconfiguredServer is a provider server before ConfigureProvider, for
// the calls Terraform makes first (schemas, validation).
func newUnconfiguredServer(t testing.TB) tfprotov6.ProviderServer {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	return srv
}
