// Package provider is the Terraform provider for Just Walk Out connector
// configurations, built on terraform-plugin-framework.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = &jwoProvider{}

type jwoProvider struct{ version string }

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &jwoProvider{version: version} }
}

func (p *jwoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "jwo"
	resp.Version = p.version
}

func (p *jwoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

func (p *jwoProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *jwoProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *jwoProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
