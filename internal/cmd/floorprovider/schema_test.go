package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	jwoprovider "github.com/justwalkout/terraform-provider-jwo/internal/provider"
)

// TestFloorSchemasMatchTheProvider: each floor resource and data source has
// exactly the attributes of its jwo counterpart (names, types, required,
// optional, computed, nesting), so that the floor never drifts from what it
// is the floor of.
func TestFloorSchemasMatchTheProvider(t *testing.T) {
	floor := schemas(t, func() provider.Provider { return &floorProvider{} })
	real := schemas(t, jwoprovider.New("test"))
	for _, kind := range []string{"resource", "data source"} {
		for name, got := range floor[kind] {
			want, ok := real[kind][strings.Replace(name, "jwofloor_", "jwo_", 1)]
			if !ok {
				t.Errorf("%s %s has no jwo counterpart", kind, name)
				continue
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s drifted from jwo's:\n floor: %v\n jwo:   %v", kind, name, got, want)
			}
		}
	}
	if len(floor["resource"]) != 2 || len(floor["data source"]) != 1 {
		t.Errorf("the floor has %d resources and %d data sources, want 2 and 1", len(floor["resource"]), len(floor["data source"]))
	}
}

// schemas lists, per kind and type name, one line per attribute.
func schemas(t *testing.T, p func() provider.Provider) map[string]map[string][]string {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(p())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("schema: %s: %s", d.Summary, d.Detail)
	}
	out := map[string]map[string][]string{"resource": {}, "data source": {}}
	for name, s := range resp.ResourceSchemas {
		out["resource"][name] = attributes("", s.Block)
	}
	for name, s := range resp.DataSourceSchemas {
		out["data source"][name] = attributes("", s.Block)
	}
	return out
}

func attributes(prefix string, b *tfprotov6.SchemaBlock) []string {
	var out []string
	for _, a := range b.Attributes {
		out = append(out, attribute(prefix+a.Name, a)...)
	}
	for _, nb := range b.BlockTypes {
		out = append(out, fmt.Sprintf("%s%s block %v", prefix, nb.TypeName, nb.Nesting))
		out = append(out, attributes(prefix+nb.TypeName+".", nb.Block)...)
	}
	slices.Sort(out)
	return out
}

func attribute(name string, a *tfprotov6.SchemaAttribute) []string {
	line := fmt.Sprintf("%s required=%t optional=%t computed=%t", name, a.Required, a.Optional, a.Computed)
	if a.NestedType == nil {
		return []string{fmt.Sprintf("%s type=%s", line, a.Type)}
	}
	out := []string{fmt.Sprintf("%s nesting=%v", line, a.NestedType.Nesting)}
	for _, n := range a.NestedType.Attributes {
		out = append(out, attribute(name+"."+n.Name, n)...)
	}
	return out
}
