package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

// Provider arguments that cannot work fail with the argument's name and, for
// endpoint and token, the environment variable that can stand in for it.
func TestAccProvider_configurationErrors(t *testing.T) {
	tp := newTestPortal(t)
	resourceBlock := connectorHCL("c", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC")
	cases := []struct {
		name, provider string
		want           []string
	}{
		{"empty token", `provider "jwo" {
  endpoint = "` + tp.URL + `"
  token    = ""
}`, []string{"Missing JWO token", "JWO_TOKEN environment variable"}},
		{"empty endpoint", `provider "jwo" {
  endpoint = ""
  token    = "x"
}`, []string{"Missing JWO endpoint", "JWO_ENDPOINT environment variable"}},
		{"endpoint not a URL", `provider "jwo" {
  endpoint = "portal.example.com"
  token    = "x"
}`, []string{`endpoint "portal.example.com" is not an http or https URL`}},
		{"unknown endpoint", `resource "terraform_data" "later" {
  input = "` + tp.URL + `"
}
provider "jwo" {
  endpoint = terraform_data.later.output
  token    = "x"
}`, []string{"Unknown JWO endpoint", "leave it out and set the JWO_ENDPOINT environment variable"}},
		{"request_timeout", `provider "jwo" {
  endpoint        = "` + tp.URL + `"
  token           = "x"
  request_timeout = "soon"
}`, []string{`"soon" is not a duration`}},
		{"max_retries", `provider "jwo" {
  endpoint    = "` + tp.URL + `"
  token       = "x"
  max_retries = -1
}`, []string{"Attribute max_retries value must be at least 0"}},
		{"token refused", `provider "jwo" {
  endpoint = "` + tp.URL + `"
  token    = "not-a-token"
}`, []string{"The portal does not accept the token (401)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      c.provider + resourceBlock,
					PlanOnly:    true,
					ExpectError: errorPattern(c.want...),
				}},
			})
		})
	}
}

// An empty provider block takes endpoint and token from the environment. Not
// parallel: it sets process environment variables.
func TestAccProvider_environment(t *testing.T) {
	tp := newTestPortal(t)
	t.Setenv(envEndpoint, tp.URL)
	t.Setenv(envToken, tp.OperatorToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			Config: `provider "jwo" {}` + connectorHCL("c", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("jwo_store_connector.c", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
			},
		}},
	})
}

// The request log never shows the token, wherever it turns up.
func TestRequestLoggerMasksToken(t *testing.T) {
	const token = "jwo_s3cr3t-token-value"
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)

	requestLogger(newSecrets(token))(ctx, client.RequestLog{
		Method:   http.MethodGet,
		URL:      "http://127.0.0.1:1/v1/stores?echo=" + token,
		Attempt:  1,
		Status:   401,
		Duration: time.Millisecond,
		Header:   http.Header{"Authorization": {"Bearer <redacted>"}, "X-Echo": {token}},
		Err:      errors.New("proxy said: bad token " + token),
	})
	tflog.Debug(maskToken(ctx, token), "configured with "+token, map[string]any{"token": token})

	out := buf.String()
	if strings.Contains(out, token) {
		t.Fatalf("the token appears in the log:\n%s", out)
	}
	for _, want := range []string{"JWO API request", `"status":401`, `"header_authorization":"Bearer `, "configured with ***"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// Every request names the provider's version twice: as the product and as
// the client library's version, which is the provider's own.
func TestAccProvider_userAgentCarriesTheVersion(t *testing.T) {
	tp := newTestPortal(t)
	var mu sync.Mutex
	agents := map[string]bool{}
	h := tp.Handler()
	srv := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.UserAgent()] = true
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"jwo": providerserver.NewProtocol6WithError(New("1.2.3")()),
		},
		Steps: []resource.TestStep{{
			Config: providerConfigAt(srv.URL, tp.ViewerToken) + `data "jwo_store" "s" { id = "` + accStoreJWO + `" }`,
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				pattern := regexp.MustCompile(`^terraform-provider-jwo/1\.2\.3 terraform/\S+ jwo-client/1\.2\.3 \(\+https://\S+\)$`)
				for ua := range agents {
					if !pattern.MatchString(ua) {
						return fmt.Errorf("User-Agent %q does not name version 1.2.3 as product and client", ua)
					}
				}
				if len(agents) == 0 {
					return fmt.Errorf("no request reached the portal")
				}
				return nil
			},
		}},
	})
}
