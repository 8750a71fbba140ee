// Command floorprovider is floor B of `make bench`: a terraform-plugin-framework
// provider whose jwofloor_store_connector, jwofloor_connectivity_test and
// jwofloor_stores have the attributes and blocks of their jwo counterparts
// (TestFloorSchemasMatchTheProvider keeps them so) but do no I/O: what it
// costs per resource, any framework provider pays, and jwo's are measured
// against it. jwofloor_connectivity_test waits out the connector's latency
// instead of calling it. It is built by .ci/bench.sh only and never shipped.
package main

import (
	"context"
	"log"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// address is where the bench's CLI configuration points dev_overrides.
const address = "registry.terraform.io/justwalkout/jwofloor"

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &floorProvider{} },
		providerserver.ServeOpts{Address: address})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "jwofloor"
}

// Schema has no attributes: the jwo provider's four settings only feed its
// client, which the floor does not have.
func (p *floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &connectorResource{} },
		func() resource.Resource { return &testResource{} },
	}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &storesDataSource{} }}
}

// now is what updated_at says; a fixed layout like the portal's.
func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
