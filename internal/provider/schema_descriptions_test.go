package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// providerSchemas are the schemas of the provider and of every resource, data
// source, list resource and action, as Terraform gets them, by "kind name".
func providerSchemas(t *testing.T) (map[string]*tfprotov6.Schema, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema: %s: %s", d.Summary, d.Detail)
	}
	schemas := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	for name, s := range resp.ResourceSchemas {
		schemas["resource "+name] = s
	}
	for name, s := range resp.DataSourceSchemas {
		schemas["data source "+name] = s
	}
	for name, s := range resp.ListResourceSchemas {
		schemas["list resource "+name] = s
	}
	for name, a := range resp.ActionSchemas {
		schemas["action "+name] = a.Schema
	}
	if len(resp.ResourceSchemas) < 2 || len(resp.DataSourceSchemas) < 5 {
		t.Fatalf("%d resources and %d data sources: the provider lost some", len(resp.ResourceSchemas), len(resp.DataSourceSchemas))
	}
	return schemas, resp
}

// The provider, every resource, data source, list resource and action has a
// description, and so has every attribute and block at any depth: the docs
// are generated from them. It reads the schemas as Terraform gets them.
func TestSchemas_describeEveryAttribute(t *testing.T) {
	schemas, resp := providerSchemas(t)
	for name, s := range schemas {
		if s == nil || s.Block == nil {
			t.Errorf("%s has no schema", name)
			continue
		}
		if s.Block.Description == "" {
			t.Errorf("%s has no description", name)
		}
		checkBlockDescribed(t, name, s.Block)
	}
	for name, f := range resp.Functions {
		if f.Description == "" && f.Summary == "" {
			t.Errorf("function %s has no description", name)
		}
	}
}

func checkBlockDescribed(t *testing.T, prefix string, b *tfprotov6.SchemaBlock) {
	t.Helper()
	for _, a := range b.Attributes {
		checkAttributeDescribed(t, prefix+"."+a.Name, a)
	}
	for _, nb := range b.BlockTypes {
		if nb.Block.Description == "" {
			t.Errorf("%s.%s (block) has no description", prefix, nb.TypeName)
		}
		checkBlockDescribed(t, prefix+"."+nb.TypeName, nb.Block)
	}
}

func checkAttributeDescribed(t *testing.T, name string, a *tfprotov6.SchemaAttribute) {
	t.Helper()
	if a.Description == "" {
		t.Errorf("%s has no description", name)
	}
	if a.NestedType != nil {
		for _, n := range a.NestedType.Attributes {
			checkAttributeDescribed(t, name+"."+n.Name, n)
		}
	}
}

// Every resource and data source schema passes the framework's own checks
// of its implementation.
func TestSchemas_validImplementation(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newDS := range p.DataSources(ctx) {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "jwo"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if diags := resp.Schema.ValidateImplementation(ctx); resp.Diagnostics.HasError() || diags.HasError() {
			t.Errorf("%s: %v %v", meta.TypeName, resp.Diagnostics, diags)
		}
	}
	for _, newR := range p.Resources(ctx) {
		r := newR()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "jwo"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if diags := resp.Schema.ValidateImplementation(ctx); resp.Diagnostics.HasError() || diags.HasError() {
			t.Errorf("%s: %v %v", meta.TypeName, resp.Diagnostics, diags)
		}
	}
}
