// Package openapi embeds the OpenAPI 3 document of Portal API v1, the
// contract any portal implementation must meet.
//
// The document is hand-written JSON and served byte for byte as embedded, so
// what /v1/openapi.json answers is exactly what this package's tests check.
// The package itself imports nothing but embed: the portal links it, and a
// document loader or schema engine has no place in the portal's binary. The
// tools that check answers against the document live in the openapitest
// sub-package, for tests only.
package openapi

import _ "embed"

//go:embed openapi.json
var document []byte

// Document returns the OpenAPI document as JSON. The slice is a copy: callers
// may keep or change it without touching what the portal serves.
func Document() []byte {
	out := make([]byte, len(document))
	copy(out, document)
	return out
}
