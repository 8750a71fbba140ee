package api

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Over TLS every answer, errors and the open routes included, carries
// Strict-Transport-Security; over plain http none does (the header is
// ignored there, and a proxy that terminates TLS sets its own).
func TestHSTSOnlyOverTLS(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/v1/stores", "/nowhere"} {
		for _, overTLS := range []bool{true, false} {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			if overTLS {
				r.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			e.api.Handler().ServeHTTP(rec, r)
			got := rec.Header().Get("Strict-Transport-Security")
			if overTLS && got != "max-age=31536000" {
				t.Errorf("GET %s over TLS (%d): Strict-Transport-Security %q", path, rec.Code, got)
			}
			if !overTLS && got != "" {
				t.Errorf("GET %s over plain http: Strict-Transport-Security %q", path, got)
			}
		}
	}
}
