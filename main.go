package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/justwalkout/terraform-provider-jwo/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		silenceUnreadLogs()
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/justwalkout/jwo",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// silenceUnreadLogs turns the SDK's and the provider's loggers off when
// Terraform will discard what they write: without TF_LOG or TF_LOG_PROVIDER,
// Terraform drops every provider log line, yet the plugin SDK logs at TRACE
// by default, so each RPC would still format JSON lines for Terraform to
// parse and throw away (a quarter of the provider's CPU in a 100-connector
// apply). A level set explicitly is left alone; with -debug the provider's
// own stderr is what the developer reads, so nothing changes there.
func silenceUnreadLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, env := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_JWO"} {
		if _, set := os.LookupEnv(env); !set {
			_ = os.Setenv(env, "OFF")
		}
	}
}
