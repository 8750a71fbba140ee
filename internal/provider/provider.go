// Package provider is the Terraform provider for Just Walk Out connector
// configurations, built on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/provider/readcache"
)

// Environment variables that stand in for the provider block's arguments, so
// that CI can keep the token out of configuration files.
const (
	envEndpoint = "JWO_ENDPOINT"
	envToken    = "JWO_TOKEN"
)

var (
	_ provider.Provider                  = &jwoProvider{}
	_ provider.ProviderWithFunctions     = &jwoProvider{}
	_ provider.ProviderWithListResources = &jwoProvider{}
	_ provider.ProviderWithActions       = &jwoProvider{}
)

type jwoProvider struct{ version string }

type jwoProviderModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	Token          types.String `tfsdk:"token"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	OIDCToken      types.String `tfsdk:"oidc_token"`
	OIDCTokenFile  types.String `tfsdk:"oidc_token_file"`
	OIDCAudience   types.String `tfsdk:"oidc_audience"`
}

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &jwoProvider{version: version} }
}

func (p *jwoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "jwo"
	resp.Version = p.version
}

func (p *jwoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Just Walk Out connector configurations (the endpoint of each store and " +
			"connector method) and runs connectivity tests through the merchant portal's Connector Configuration API.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the portal API, e.g. `https://portal.example.com`. " +
					"May instead be set with the `" + envEndpoint + "` environment variable.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "API token of the portal. Its merchant decides which stores are visible; its role " +
					"what may change (`viewer` reads, `operator` also changes connectors and runs tests, `admin` everything). " +
					"May instead be set with the `" + envToken + "` environment variable, which keeps it out of configuration files. " +
					"In CI, prefer workload identity (`oidc_token`, `oidc_token_file`, or GitHub Actions and HCP Terraform found by " +
					"themselves): no long-lived secret to keep. A static token and an OpenID Connect token set together are an error.",
				Optional:  true,
				Sensitive: true,
			},
			"oidc_token": schema.StringAttribute{
				MarkdownDescription: "An OpenID Connect token (a JWT) of a CI run, such as GitLab CI's `id_tokens`, which the provider " +
					"exchanges at the portal (`POST /v1/oauth/token`) for a short-lived token of the merchant and role of the " +
					"trust policy it matches. Exchanged once per provider configuration and again before the short-lived token " +
					"expires, while the JWT is still valid. May instead be set with the `" + envOIDCToken + "` environment variable. " +
					"Conflicts with `token` and `oidc_token_file`.",
				Optional:  true,
				Sensitive: true,
			},
			"oidc_token_file": schema.StringAttribute{
				MarkdownDescription: "Path of a file holding an OpenID Connect token, exchanged as `oidc_token` is. The file is read " +
					"again for each renewal, so a CI or agent that refreshes it keeps a long apply going. May instead be set with " +
					"the `" + envOIDCTokenFile + "` environment variable. Conflicts with `token` and `oidc_token`.",
				Optional: true,
			},
			"oidc_audience": schema.StringAttribute{
				MarkdownDescription: "The audience the provider asks GitHub Actions' token for, when it finds itself in a job with " +
					"`permissions: id-token: write` and neither `token` nor an OpenID Connect token is set. It must equal the " +
					"audience of the merchant's trust policy. Defaults to the provider's `endpoint`, e.g. " +
					"`https://portal.example.com`, so that a token asked for one portal is refused by any other. May instead be " +
					"set with the `" + envOIDCAudience + "` environment variable. In HCP Terraform it is the audience " +
					"`TFC_WORKLOAD_IDENTITY_TOKEN` must carry: a token the workspace had minted for another service is not sent to the " +
					"portal at all. A GitLab token (`oidc_token`) carries the audience its `id_tokens` gives.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of one attempt of one API request, as a Go duration such as `\"30s\"` or `\"1m\"`. Defaults to `\"30s\"`.",
				Optional:            true,
				Validators:          []validator.String{positiveDuration()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a 502/503/504 answer or a connection error, " +
					"with exponential backoff; writes are retried only when the portal can recognise a repeat. " +
					"Rate-limit answers (429, or 503 with `Retry-After`) are waited out as the portal asks, " +
					"for up to 2 minutes per request, without using up these retries. `0` disables all retries. " +
					"Defaults to `" + strconv.Itoa(client.DefaultMaxRetries) + "`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
	}
}

// Configure builds the one client every resource and data source shares. It
// makes no request: a plan with nothing to refresh must not need the portal.
func (p *jwoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg jwoProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	unknownWithEnv := func(attr, env string) {
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown JWO "+attr,
			fmt.Sprintf("The provider cannot connect to the portal while %s is unknown: it must be known when Terraform plans. "+
				"Set it to a value known at plan time, or leave it out and set the %s environment variable.", attr, env))
	}
	if cfg.Endpoint.IsUnknown() {
		unknownWithEnv("endpoint", envEndpoint)
	}
	for _, a := range []struct {
		v         types.String
		attr, env string
	}{
		{cfg.Token, "token", envToken},
		{cfg.OIDCToken, "oidc_token", envOIDCToken},
		{cfg.OIDCTokenFile, "oidc_token_file", envOIDCTokenFile},
		{cfg.OIDCAudience, "oidc_audience", envOIDCAudience},
	} {
		if a.v.IsUnknown() {
			unknownWithEnv(a.attr, a.env)
		}
	}
	if cfg.RequestTimeout.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Unknown JWO request_timeout",
			"request_timeout must be known when Terraform plans: set it to a literal duration such as \"30s\" or leave it out.")
	}
	if cfg.MaxRetries.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Unknown JWO max_retries",
			"max_retries must be known when Terraform plans: set it to a literal number or leave it out.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	endpoint := valueOrEnv(cfg.Endpoint, envEndpoint)
	if endpoint == "" {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Missing JWO endpoint",
			"Set endpoint in the provider block or the "+envEndpoint+" environment variable to the portal's base URL, e.g. \"https://portal.example.com\".")
	} else if err := checkPortalURL(endpoint); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid JWO endpoint", err.Error())
	}
	creds := resolveCredentials(cfg, endpoint, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if w := cleartextEndpointWarning(endpoint); w != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("endpoint"), "JWO token sent in clear text", w)
	}

	// The token must never reach a log line, whatever a later change logs.
	ctx = maskToken(ctx, creds.secrets.all()...)

	var timeout time.Duration
	if !cfg.RequestTimeout.IsNull() {
		// The schema's validator refuses a bad value at plan time already;
		// the same rule here keeps a bad value from ever becoming a zero.
		var err error
		if timeout, err = parsePositiveDuration(cfg.RequestTimeout.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid duration", err.Error())
			return
		}
	}
	retries := client.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		retries = int(cfg.MaxRetries.ValueInt64())
	}

	ccfg := client.Config{
		Endpoint:   endpoint,
		UserAgent:  fmt.Sprintf("terraform-provider-jwo/%s terraform/%s", p.version, req.TerraformVersion),
		Version:    p.version,
		Timeout:    timeout,
		MaxRetries: retries,
		Logger:     requestLogger(creds.secrets),
	}
	if creds.token != "" {
		ccfg.Token = creds.token
	} else {
		// One source per provider configuration, shared by every resource
		// through the one client: one exchange, renewed as it nears its end.
		// An exchange happens inside whichever request needs the token
		// first, under no context of Terraform's (oauth2.TokenSource takes
		// none): its log lines go to Configure's logger instead.
		xcfg := ccfg
		xcfg.Logger = func(_ context.Context, rec client.RequestLog) { ccfg.Logger(ctx, rec) } //nolint:contextcheck // see above
		src, err := client.ExchangeTokenSource(xcfg, creds.subject)
		if err != nil {
			resp.Diagnostics.AddError("Unable to create the JWO API client", err.Error())
			return
		}
		ccfg.TokenSource = creds.tokenSource(src)
	}
	c, err := client.New(ccfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the JWO API client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured the JWO API client", map[string]any{"endpoint": redactedURL(endpoint), "request_timeout": timeout.String(),
		"max_retries": retries, "credentials": creds.via})
	data := &providerData{client: c, stores: readcache.NewStores(c), connectors: readcache.NewConnectors(c), runs: readcache.NewRuns(c)}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *jwoProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewStoreConnectorResource,
		NewConnectivityTestResource,
	}
}

// DataSources lists the data sources; one constructor per line.
func (p *jwoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewStoresDataSource,
		NewStoreDataSource,
		NewCompletionStatusDataSource,
		NewStoreConnectorDataSource,
		NewConnectivityTestsDataSource,
		NewStoreConnectorsDataSource,
	}
}

// Actions lists the actions (Terraform 1.14+).
func (p *jwoProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewRunConnectivityTestAction,
	}
}

// ListResources lists the list resources of `terraform query` (Terraform 1.14+).
func (p *jwoProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewStoreConnectorListResource,
	}
}

func (p *jwoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewEndpointTypeFunction,
	}
}

// clientFrom turns the provider data a resource or data source receives into
// the shared client. It is nil (and no error) before the provider is
// configured, e.g. while Terraform validates.
func clientFrom(data any, diags *diag.Diagnostics) *client.Client {
	if pd := providerDataFrom(data, diags); pd != nil {
		return pd.client
	}
	return nil
}

// providerData is what Configure hands every resource and data source: the
// API client and the lookups shared for the life of one provider
// configuration, i.e. one Terraform walk (plan, apply) of one configuration.
type providerData struct {
	client     *client.Client
	stores     *readcache.Stores
	connectors *readcache.Connectors
	runs       *readcache.Runs
}

// providerDataFrom is the provider data a resource, data source, list
// resource or action receives; nil (and no error) before the provider is
// configured.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *provider.providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}

// valueOrEnv prefers the configuration and falls back to the environment.
func valueOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// checkPortalURL catches a mistyped endpoint before the first request does.
func checkPortalURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint %q is not an http or https URL such as \"https://portal.example.com\"", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("endpoint %q has a query or fragment: give the portal's base URL only", raw)
	}
	return nil
}

// cleartextEndpointWarning says why a plain http endpoint to another machine
// is a risk: every request carries the token, readable by anyone on the path.
func cleartextEndpointWarning(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || jwo.IsLoopbackHost(u.Hostname()) {
		return ""
	}
	return fmt.Sprintf("endpoint %q is plain http to %s, another machine: the token in every request travels in clear text "+
		"and anyone on the network path can read and reuse it. Use https (jwo-portal serve --tls-cert --tls-key).",
		redactedURL(endpoint), u.Hostname())
}

// redactedURL hides a password in the URL's user info, for logs and messages.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// requestLogger writes one debug line per API attempt. The client already
// redacts the Authorization header; the mask is a second line of defence for
// a token or JWT that turns up anywhere else (an error text, a URL).
func requestLogger(sec *secrets) func(context.Context, client.RequestLog) {
	return func(ctx context.Context, rec client.RequestLog) {
		ctx = maskToken(ctx, sec.all()...)
		fields := map[string]any{
			"method":      rec.Method,
			"url":         rec.URL,
			"attempt":     rec.Attempt,
			"status":      rec.Status,
			"duration_ms": rec.Duration.Milliseconds(),
		}
		for _, h := range []string{"Authorization", "If-Match", "If-None-Match", "Idempotency-Key", "User-Agent"} {
			if v := rec.Header.Get(h); v != "" {
				fields["header_"+strings.ToLower(strings.ReplaceAll(h, "-", "_"))] = v
			}
		}
		if rec.Err != nil {
			fields["error"] = rec.Err.Error()
		}
		tflog.Debug(ctx, "JWO API request", fields)
	}
}
