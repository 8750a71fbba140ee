package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var _ function.Function = &endpointTypeFunction{}

// endpointTypeFunction maps an API Gateway endpoint configuration type to the
// connector's endpoint type, so that a configuration can wire
// aws_api_gateway_rest_api.endpoint_configuration[0].types[0] straight into
// jwo_store_connector.endpoint_type instead of repeating the mapping by hand.
type endpointTypeFunction struct{}

// NewEndpointTypeFunction is the constructor the provider registers.
func NewEndpointTypeFunction() function.Function { return &endpointTypeFunction{} }

func (f *endpointTypeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "endpoint_type"
}

func (f *endpointTypeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Connector endpoint type of an API Gateway endpoint configuration type",
		MarkdownDescription: "Returns the `endpoint_type` of a `jwo_store_connector` for an API Gateway endpoint " +
			"configuration type: `\"EDGE\"` and `\"REGIONAL\"` give `\"PUBLIC\"`, `\"PRIVATE\"` gives `\"PRIVATE\"`. " +
			"Letter case and surrounding spaces are ignored; any other value is an error.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "api_gateway_endpoint_type",
				MarkdownDescription: "The API Gateway endpoint configuration type: `EDGE`, `REGIONAL` or `PRIVATE`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *endpointTypeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var in string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &in))
	if resp.Error != nil {
		return
	}
	t, err := jwo.EndpointTypeForAPIGateway(in)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, string(t)))
}
