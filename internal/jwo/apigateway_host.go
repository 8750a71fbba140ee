package jwo

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	apiIDPattern  = regexp.MustCompile(`^[a-z0-9]{10}$`)
	vpceIDPattern = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)
)

// apiGatewayHostError says what is wrong with an amazonaws.com host that is
// not an API Gateway invoke host: the part that breaks the form, what it is
// and what it must be, then the forms. It is the one text of this mistake,
// in the portal's 422 and at plan time alike. host is lower case.
func apiGatewayHostError(host string) error {
	return fmt.Errorf("endpoint URL host %q is not an API Gateway invoke host: %s; use %s, or a custom domain",
		host, apiGatewayHostProblem(host), apiGatewayForms)
}

func apiGatewayHostProblem(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) < 4 || labels[1] != "execute-api" {
		return "it is an amazonaws.com name of another service; an invoke host has execute-api as its second label"
	}
	private := strings.HasSuffix(host, ".vpce.amazonaws.com")
	if want := map[bool]int{false: 5, true: 6}[private]; len(labels) != want {
		return fmt.Sprintf("it has %d dot-separated labels where an invoke host has %d", len(labels), want)
	}
	if region := labels[2]; !regionPattern.MatchString(region) {
		return fmt.Sprintf("%q is not an AWS Region name such as us-east-1", region)
	}
	first := labels[0]
	if !private {
		if strings.Contains(first, "-vpce-") {
			return fmt.Sprintf("%q names a VPC endpoint, and a private API's host ends in .vpce.amazonaws.com", first)
		}
		return apiIDProblem(first)
	}
	apiID, vpceID, ok := strings.Cut(first, "-")
	if !ok {
		return fmt.Sprintf("the first label %q must be {api-id}-{vpce-id}", first)
	}
	if p := apiIDProblem(apiID); p != "" {
		return p
	}
	if !vpceIDPattern.MatchString(vpceID) {
		return fmt.Sprintf("the VPC endpoint id %q is malformed: it is vpce- and 8 to 17 hexadecimal digits", vpceID)
	}
	return "its form is not one API Gateway serves"
}

// apiIDProblem says what is wrong with an api-id, "" when nothing is.
func apiIDProblem(id string) string {
	switch {
	case apiIDPattern.MatchString(id):
		return ""
	case len(id) != 10:
		return fmt.Sprintf("the api-id %q has %d characters, and an api-id is 10 lower-case letters or digits", id, len(id))
	default:
		return fmt.Sprintf("the api-id %q has a character other than a lower-case letter or digit, and an api-id is 10 of those", id)
	}
}
