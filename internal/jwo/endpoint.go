package jwo

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// HostKind classifies the host of an endpoint URL.
type HostKind int

const (
	// HostCustomDomain is a custom domain name in front of an API Gateway.
	HostCustomDomain HostKind = iota
	// HostPublicAPIGateway is {api-id}.execute-api.{region}.amazonaws.com;
	// it also serves private APIs when private DNS is enabled on the VPC endpoint.
	HostPublicAPIGateway
	// HostPrivateAPIGateway is {api-id}-{vpce-id}.execute-api.{region}.vpce.amazonaws.com.
	HostPrivateAPIGateway
	// HostLoopback is localhost or a loopback address, allowed only in development.
	HostLoopback
)

// maxEndpointURLLength bounds a saved URL; API Gateway URLs are far shorter.
const maxEndpointURLLength = 2048

// EndpointPolicy says what a deployment allows beyond the production rules.
type EndpointPolicy struct {
	// AllowLoopbackHTTP admits http:// and https:// URLs whose host is
	// localhost or a loopback address, for demos and tests.
	AllowLoopbackHTTP bool
}

// Endpoint is a parsed, valid endpoint URL.
type Endpoint struct {
	URL           *url.URL
	Kind          HostKind
	APIID         string
	VPCEndpointID string
	Region        string
}

var (
	publicHostPattern  = regexp.MustCompile(`^([a-z0-9]{10})\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com$`)
	privateHostPattern = regexp.MustCompile(`^([a-z0-9]{10})-(vpce-[0-9a-f]{8,17})\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.vpce\.amazonaws\.com$`)
	dnsLabelPattern    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

const apiGatewayForms = "{api-id}.execute-api.{region}.amazonaws.com for a public API or {api-id}-{vpce-id}.execute-api.{region}.vpce.amazonaws.com for a private one"

// ParseEndpointURL checks an endpoint URL against the production rules (https,
// an API Gateway invoke host or a custom domain, no credentials, query or
// fragment) and what the policy allows beyond them.
func ParseEndpointURL(raw string, policy EndpointPolicy) (Endpoint, error) {
	if raw == "" {
		return Endpoint{}, fmt.Errorf("endpoint URL is empty: set the https URL of the API Gateway stage")
	}
	if len(raw) > maxEndpointURLLength {
		return Endpoint{}, fmt.Errorf("endpoint URL is %d characters long; the limit is %d", len(raw), maxEndpointURLLength)
	}
	if strings.TrimSpace(raw) != raw {
		return Endpoint{}, fmt.Errorf("endpoint URL %q has leading or trailing spaces: remove them", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Endpoint{}, fmt.Errorf("endpoint URL %q cannot be parsed: %w", raw, unwrapURLError(err))
	}
	scheme := strings.ToLower(u.Scheme)
	if u.Opaque != "" || u.Host == "" || (scheme != "https" && scheme != "http") {
		return Endpoint{}, fmt.Errorf("endpoint URL %q is not an absolute https URL such as \"https://abc123defg.execute-api.us-east-1.amazonaws.com/prod\"", raw)
	}
	if u.User != nil {
		return Endpoint{}, fmt.Errorf("endpoint URL %q contains credentials: remove the user info, Amazon authenticates with IAM", raw)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("endpoint URL %q has a query or fragment: remove it, Amazon appends the method's path to the URL", raw)
	}
	if p := u.Port(); p != "" {
		if err := validatePort(p); err != nil {
			return Endpoint{}, fmt.Errorf("endpoint URL %q: %w", raw, err)
		}
	}
	host := strings.ToLower(u.Hostname())
	ep := Endpoint{URL: u}
	switch {
	case IsLoopbackHost(host):
		if !policy.AllowLoopbackHTTP {
			return Endpoint{}, fmt.Errorf("endpoint URL %q points at this machine (%s): Amazon cannot reach it; use the API Gateway's URL", raw, host)
		}
		ep.Kind = HostLoopback
		return ep, nil
	case isIPHost(host):
		// Every spelling the tester's dialer reads as an address (0x7f.1,
		// 2130706433, 0177.0.0.1, ...), not only the dotted-decimal one:
		// saved as a "domain", it would only fail at dial time.
		a, _ := HostAddr(host)
		return Endpoint{}, fmt.Errorf("endpoint URL %q uses an IP address (%s reads as %s): use the API Gateway's host name, which its TLS certificate names", raw, host, a)
	}
	if scheme != "https" {
		return Endpoint{}, fmt.Errorf("endpoint URL %q uses %s: Amazon calls connectors over https only, use \"https://%s\"", raw, scheme, strings.TrimPrefix(raw, u.Scheme+"://"))
	}
	if strings.HasSuffix(host, ".") {
		// Refused rather than trimmed: "x.vpce.amazonaws.com." escaped the
		// host patterns below (saved as a PUBLIC custom domain), and API
		// Gateway matches the Host header and TLS name without the dot, so
		// the URL would not reach the API anyway.
		return Endpoint{}, fmt.Errorf("endpoint URL %q: host %q ends in a dot: remove the trailing dot, API Gateway knows the name without it", raw, host)
	}
	if err := validateHostname(host); err != nil {
		return Endpoint{}, fmt.Errorf("endpoint URL %q: %w", raw, err)
	}
	if m := privateHostPattern.FindStringSubmatch(host); m != nil {
		ep.Kind, ep.APIID, ep.VPCEndpointID, ep.Region = HostPrivateAPIGateway, m[1], m[2], m[3]
		return ep, nil
	}
	if m := publicHostPattern.FindStringSubmatch(host); m != nil {
		ep.Kind, ep.APIID, ep.Region = HostPublicAPIGateway, m[1], m[2]
		return ep, nil
	}
	if strings.HasSuffix(host, ".amazonaws.com") {
		return Endpoint{}, apiGatewayHostError(host)
	}
	ep.Kind = HostCustomDomain
	return ep, nil
}

// CheckEndpointType says whether the endpoint type fits the host: a
// .vpce.amazonaws.com host is only reachable as a private API.
func CheckEndpointType(ep Endpoint, t EndpointType) error {
	if !t.Valid() {
		return fmt.Errorf("%q is not an endpoint type: use \"PUBLIC\" for an edge-optimized or regional API Gateway, \"PRIVATE\" for a private one", string(t))
	}
	if ep.Kind == HostPrivateAPIGateway && t == EndpointPublic {
		return fmt.Errorf("endpoint_url host %q ends in .vpce.amazonaws.com, which is a private API Gateway: set endpoint_type = \"PRIVATE\"", ep.URL.Hostname())
	}
	return nil
}

// ValidateConnectorInput returns the field errors of a connector
// configuration, naming endpoint_url and endpoint_type.
func ValidateConnectorInput(in ConnectorInput, policy EndpointPolicy) []FieldError {
	var errs []FieldError
	ep, err := ParseEndpointURL(in.EndpointURL, policy)
	if err != nil {
		errs = append(errs, FieldError{Field: "endpoint_url", Message: err.Error()})
	}
	if !in.EndpointType.Valid() {
		errs = append(errs, FieldError{Field: "endpoint_type", Message: CheckEndpointType(ep, in.EndpointType).Error()})
	} else if err == nil {
		if err := CheckEndpointType(ep, in.EndpointType); err != nil {
			errs = append(errs, FieldError{Field: "endpoint_type", Message: err.Error()})
		}
	}
	return errs
}

// IsLoopbackHost reports whether a host name or literal address names this
// machine: localhost (and names under it), 127.0.0.0/8 or ::1.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, ok := HostAddr(host)
	return ok && a.Unmap().IsLoopback()
}

func isIPHost(host string) bool {
	_, ok := HostAddr(host)
	return ok
}

// CanonicalPort writes the port of a URL without leading zeros (:0443 is
// :443), so that one endpoint is saved in one spelling; anything else of the
// URL is left as it is.
func CanonicalPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Port() == "" {
		return raw
	}
	p := strings.TrimLeft(u.Port(), "0")
	if p == u.Port() || p == "" {
		return raw
	}
	host := u.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host + ":" + p
	return u.String()
}

// normalizeEndpointURL gives the form two spellings of one endpoint share:
// lower-case scheme and host, no default port, no trailing slash. A value that
// does not parse is returned as it is.
func normalizeEndpointURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := strings.TrimLeft(u.Port(), "0")
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// EquivalentEndpointURLs reports whether two spellings name the same endpoint.
func EquivalentEndpointURLs(a, b string) bool {
	return a == b || normalizeEndpointURL(a) == normalizeEndpointURL(b)
}

// CallURL is where Amazon sends a method's call: the saved endpoint URL with
// the method's path appended.
func CallURL(endpointURL string, m Method) string {
	return OperationURL(endpointURL, m.CallPath())
}

// OperationURL is the URL of any documented operation of a connector (a
// method's call, scan details, GetShopper): its path appended to the saved
// endpoint URL.
func OperationURL(endpointURL, path string) string {
	return strings.TrimRight(endpointURL, "/") + path
}

func validateHostname(host string) error {
	if len(host) > 253 {
		return fmt.Errorf("host name is longer than 253 characters")
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Errorf("host %q is not a fully qualified domain name", host)
	}
	for _, l := range labels {
		if !dnsLabelPattern.MatchString(l) {
			return fmt.Errorf("host %q has an invalid label %q: use letters, digits and inner hyphens, at most 63 characters", host, l)
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return fmt.Errorf("host %q has a numeric top-level domain", host)
	}
	return nil
}

func validatePort(p string) error {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return fmt.Errorf("port %q is not a number", p)
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			break
		}
	}
	if n < 1 || n > 65535 {
		return fmt.Errorf("port %s is out of range 1-65535", p)
	}
	return nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
