// Package openapi embeds the OpenAPI 3 document of Portal API v1, the
// contract any portal implementation must meet.
package openapi

// Document returns the OpenAPI document as JSON.
func Document() []byte { panic("implemented by the openapi owner") }
