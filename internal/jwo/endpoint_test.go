package jwo

import (
	"fmt"
	"strings"
	"testing"
)

var dev = EndpointPolicy{AllowLoopbackHTTP: true}
var prod = EndpointPolicy{}

func TestParseEndpointURLAccepts(t *testing.T) {
	tests := []struct {
		url    string
		policy EndpointPolicy
		kind   HostKind
		region string
	}{
		{"https://abc123defg.execute-api.us-east-1.amazonaws.com/prod", prod, HostPublicAPIGateway, "us-east-1"},
		{"https://abc123defg.execute-api.us-east-1.amazonaws.com", prod, HostPublicAPIGateway, "us-east-1"},
		{"https://ABC123DEFG.Execute-Api.US-EAST-1.amazonaws.com/prod/", prod, HostPublicAPIGateway, "us-east-1"},
		{"https://abc123defg-vpce-0123456789abcdef0.execute-api.eu-west-1.vpce.amazonaws.com/v1", prod, HostPrivateAPIGateway, "eu-west-1"},
		{"https://abc123defg.execute-api.us-gov-west-1.amazonaws.com/stage", prod, HostPublicAPIGateway, "us-gov-west-1"},
		{"https://connectors.example.com/jwo", prod, HostCustomDomain, ""},
		{"https://api.retailer.co.uk:8443/jwo", prod, HostCustomDomain, ""},
		{"http://127.0.0.1:8788", dev, HostLoopback, ""},
		{"http://localhost:8788/base", dev, HostLoopback, ""},
		{"http://[::1]:8788", dev, HostLoopback, ""},
		{"https://127.0.0.2:9443", dev, HostLoopback, ""},
	}
	for _, tt := range tests {
		ep, err := ParseEndpointURL(tt.url, tt.policy)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if ep.Kind != tt.kind || ep.Region != tt.region {
			t.Errorf("%s: kind %d region %q, want %d %q", tt.url, ep.Kind, ep.Region, tt.kind, tt.region)
		}
	}
}

func TestParseEndpointURLRejects(t *testing.T) {
	tests := []struct {
		url    string
		policy EndpointPolicy
		want   string // a part of the message that tells the fix
	}{
		{"", prod, "empty"},
		{"abc123defg.execute-api.us-east-1.amazonaws.com", prod, "absolute https URL"},
		{"http://abc123defg.execute-api.us-east-1.amazonaws.com/prod", prod, "https only"},
		{"http://abc123defg.execute-api.us-east-1.amazonaws.com/prod", dev, "https only"},
		{"ftp://connectors.example.com", prod, "absolute https URL"},
		{"https://user:pw@connectors.example.com", prod, "credentials"},
		{"https://connectors.example.com/jwo?x=1", prod, "query"},
		{"https://connectors.example.com/jwo#frag", prod, "fragment"},
		{"https://connectors.example.com:0/", prod, "out of range"},
		{"https://connectors.example.com:70000/", prod, "out of range"},
		{"http://127.0.0.1:8788", prod, "Amazon cannot reach it"},
		{"https://localhost", prod, "Amazon cannot reach it"},
		{"https://10.0.0.5/jwo", prod, "IP address"},
		{"https://10.0.0.5/jwo", dev, "IP address"},
		{"https://[2600:1f18::1]/jwo", prod, "IP address"},
		{"https://s3.us-east-1.amazonaws.com/bucket", prod, "not an API Gateway invoke host"},
		{"https://abc.execute-api.us-east-1.amazonaws.com", prod, "not an API Gateway invoke host"},
		{"https://intranet/jwo", prod, "fully qualified"},
		{"https://bad_label.example.com", prod, "invalid label"},
		{"https://example.123", prod, "numeric top-level"},
		{" https://connectors.example.com", prod, "spaces"},
		{"https://" + strings.Repeat("a", maxEndpointURLLength) + ".com", prod, "limit"},
	}
	for _, tt := range tests {
		_, err := ParseEndpointURL(tt.url, tt.policy)
		if err == nil {
			t.Errorf("%q accepted", tt.url)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %q lacks %q", tt.url, err, tt.want)
		}
	}
}

func TestValidateConnectorInput(t *testing.T) {
	const private = "https://abc123defg-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com/prod"
	const public = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	tests := []struct {
		name   string
		in     ConnectorInput
		fields []string
		fix    string
	}{
		{"private host private type", ConnectorInput{private, EndpointPrivate}, nil, ""},
		{"public host public type", ConnectorInput{public, EndpointPublic}, nil, ""},
		{"public host private type (private DNS)", ConnectorInput{public, EndpointPrivate}, nil, ""},
		{"custom domain private type", ConnectorInput{"https://jwo.internal.example.com", EndpointPrivate}, nil, ""},
		{"vpce host with PUBLIC", ConnectorInput{private, EndpointPublic}, []string{"endpoint_type"}, `set endpoint_type = "PRIVATE"`},
		{"bad type", ConnectorInput{public, "public"}, []string{"endpoint_type"}, `"PUBLIC"`},
		{"bad url and bad type", ConnectorInput{"nope", ""}, []string{"endpoint_url", "endpoint_type"}, ""},
		{"bad url", ConnectorInput{"http://x.example.com", EndpointPublic}, []string{"endpoint_url"}, "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := ValidateConnectorInput(tt.in, prod)
			if len(errs) != len(tt.fields) {
				t.Fatalf("errors %v, want fields %v", errs, tt.fields)
			}
			for i, f := range tt.fields {
				if errs[i].Field != f {
					t.Errorf("field %d = %s, want %s", i, errs[i].Field, f)
				}
			}
			if tt.fix != "" && !strings.Contains(errs[0].Message, tt.fix) {
				t.Errorf("message %q lacks %q", errs[0].Message, tt.fix)
			}
		})
	}
}

func TestEquivalentEndpointURLs(t *testing.T) {
	same := [][2]string{
		{"https://abc123defg.execute-api.us-east-1.amazonaws.com/prod", "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/"},
		{"https://abc123defg.execute-api.us-east-1.amazonaws.com/prod", "https://ABC123DEFG.EXECUTE-API.us-east-1.AMAZONAWS.com/prod"},
		{"HTTPS://connectors.example.com", "https://connectors.example.com/"},
		{"https://connectors.example.com:443/jwo", "https://connectors.example.com/jwo"},
		{"http://127.0.0.1:80/", "http://127.0.0.1"},
		{"http://[::1]:8788/", "http://[::1]:8788"},
	}
	for _, p := range same {
		if !EquivalentEndpointURLs(p[0], p[1]) {
			t.Errorf("%q and %q should be equivalent (normalized %q vs %q)", p[0], p[1], normalizeEndpointURL(p[0]), normalizeEndpointURL(p[1]))
		}
	}
	different := [][2]string{
		{"https://connectors.example.com/prod", "https://connectors.example.com/Prod"},
		{"https://connectors.example.com/prod", "https://connectors.example.com/dev"},
		{"https://connectors.example.com", "http://connectors.example.com"},
		{"https://connectors.example.com:8443", "https://connectors.example.com"},
	}
	for _, p := range different {
		if EquivalentEndpointURLs(p[0], p[1]) {
			t.Errorf("%q and %q must differ", p[0], p[1])
		}
	}
}

func TestCallURL(t *testing.T) {
	if got := CallURL("https://h.example.com/prod/", MethodOrdering); got != "https://h.example.com/prod/v1/order/purchases" {
		t.Errorf("CallURL = %q", got)
	}
	if got := CallURL("http://127.0.0.1:8788", MethodIdentity); got != "http://127.0.0.1:8788/v1/identity/identity-keys" {
		t.Errorf("CallURL = %q", got)
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for _, h := range []string{"localhost", "LOCALHOST", "api.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost."} {
		if !IsLoopbackHost(h) {
			t.Errorf("%q should be loopback", h)
		}
	}
	for _, h := range []string{"10.0.0.1", "example.com", "localhost.example.com", "0.0.0.0", "::"} {
		if IsLoopbackHost(h) {
			t.Errorf("%q is not loopback", h)
		}
	}
}

func FuzzParseEndpointURL(f *testing.F) {
	for _, s := range []string{"https://abc123defg.execute-api.us-east-1.amazonaws.com/prod", "http://127.0.0.1:1", "https://[::1]", "https://a.b:99999", "%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ep, err := ParseEndpointURL(raw, dev)
		if err != nil {
			return
		}
		// An accepted URL must keep its meaning after normalization.
		n := normalizeEndpointURL(raw)
		if !EquivalentEndpointURLs(raw, n) {
			t.Fatalf("normalized %q to %q, which is not equivalent", raw, n)
		}
		if _, err := ParseEndpointURL(n, dev); err != nil {
			t.Fatalf("accepted %q but not its normal form %q: %v", raw, n, err)
		}
		_ = ep
	})
}

// An amazonaws.com host that is not an invoke host is refused with what is
// wrong with it, not only with the forms it should have.
func TestAPIGatewayHostErrorsNameTheFault(t *testing.T) {
	for _, tt := range []struct{ host, want string }{
		{"f027x000001.execute-api.us-east-1.amazonaws.com", `the api-id "f027x000001" has 11 characters, and an api-id is 10 lower-case letters or digits`},
		{"abc.execute-api.us-east-1.amazonaws.com", `the api-id "abc" has 3 characters`},
		{"abc12-defg.execute-api.us-east-1.amazonaws.com", `the api-id "abc12-defg" has a character other than a lower-case letter or digit`},
		{"abc123defg.execute-api.useast1.amazonaws.com", `"useast1" is not an AWS Region name such as us-east-1`},
		{"abc123defg.execute-api.us-east-1.api.amazonaws.com", "it has 6 dot-separated labels where an invoke host has 5"},
		{"abc123defg.execute-api.amazonaws.com", "it has 4 dot-separated labels where an invoke host has 5"},
		{"abc123defg-vpce-0123456789abcdef0.execute-api.us-east-1.amazonaws.com", `names a VPC endpoint, and a private API's host ends in .vpce.amazonaws.com`},
		{"abc123defg-vpce-xyz.execute-api.us-east-1.vpce.amazonaws.com", `the VPC endpoint id "vpce-xyz" is malformed: it is vpce- and 8 to 17 hexadecimal digits`},
		{"abc123defg.execute-api.us-east-1.vpce.amazonaws.com", `the first label "abc123defg" must be {api-id}-{vpce-id}`},
		{"abc12-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com", `the api-id "abc12" has 5 characters`},
		{"abc123defg-vpce-0123456789abcdef0.execute-api.eu.vpce.amazonaws.com", `"eu" is not an AWS Region name`},
		{"s3.us-east-1.amazonaws.com", "an amazonaws.com name of another service; an invoke host has execute-api as its second label"},
	} {
		_, err := ParseEndpointURL("https://"+tt.host+"/prod", prod)
		if err == nil {
			t.Errorf("%s accepted", tt.host)
			continue
		}
		msg := err.Error()
		prefix := fmt.Sprintf("endpoint URL host %q is not an API Gateway invoke host: ", tt.host)
		if !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.want) || !strings.HasSuffix(msg, "; use "+apiGatewayForms+", or a custom domain") {
			t.Errorf("%s: %q, want %q then %q and the forms", tt.host, msg, prefix, tt.want)
		}
	}
}

// A trailing dot does not take a host out of the rules (issue 22): the
// private API's host ended in ".vpce.amazonaws.com." was saved as a PUBLIC
// custom domain, and "foo.amazonaws.com." as a custom domain. Every such host
// is refused, in the portal and at plan time alike.
func TestTrailingDotHostsAreRefused(t *testing.T) {
	for _, raw := range []string{
		"https://abc123defg-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com./prod",
		"https://abc123defg.execute-api.us-east-1.amazonaws.com./prod",
		"https://foo.amazonaws.com.",
		"https://connectors.example.com./jwo",
		"https://CONNECTORS.EXAMPLE.COM.:443/",
	} {
		_, err := ParseEndpointURL(raw, prod)
		if err == nil || !strings.Contains(err.Error(), "ends in a dot: remove the trailing dot") {
			t.Errorf("ParseEndpointURL(%q) = %v, want the trailing dot refused", raw, err)
		}
		errs := ValidateConnectorInput(ConnectorInput{EndpointURL: raw, EndpointType: EndpointPublic}, prod)
		if len(errs) == 0 || errs[0].Field != "endpoint_url" {
			t.Errorf("ValidateConnectorInput(%q, PUBLIC) = %v, want endpoint_url refused", raw, errs)
		}
	}
	// Loopback names keep their dot in Dev mode: they never meet the host rules.
	if ep, err := ParseEndpointURL("http://localhost.:8080", dev); err != nil || ep.Kind != HostLoopback {
		t.Errorf("localhost. in Dev mode = %+v, %v", ep, err)
	}
}
