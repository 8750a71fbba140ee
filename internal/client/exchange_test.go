package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const testJWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvaW5mcmEifQ.SECRET-JWT-SIGNATURE"

// The exchange is RFC 8693's form, without Authorization (the JWT is the
// credential), and may be repeated: a 503 without Retry-After, which would
// end a POST, is retried.
func TestExchangeTokenRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"jwo_exchanged","token_type":"Bearer","expires_in":600,"issued_token_type":"urn:ietf:params:oauth:token-type:access_token"}`))
	})
	c, err := newClient(Config{Endpoint: f.URL, MaxRetries: 2, RetryWaitMin: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	tok, err := c.ExchangeToken(t.Context(), testJWT)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "jwo_exchanged" || tok.Type() != "Bearer" ||
		tok.Expiry.Before(before.Add(600*time.Second)) || tok.Expiry.After(time.Now().Add(600*time.Second)) {
		t.Fatalf("token %+v", tok)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (the 503 retried)", len(reqs))
	}
	r := reqs[1]
	form, _ := url.ParseQuery(r.Body)
	if r.Method != http.MethodPost || r.Path != "/v1/oauth/token" || r.Query != "" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.Header.Get("Authorization") != "" ||
		form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange" ||
		form.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:jwt" || form.Get("subject_token") != testJWT {
		t.Fatalf("request %+v", r)
	}
}

// A refusal is an *ExchangeError with the portal's words; a portal without
// the endpoint answers a problem document, which stays an *APIError; an
// answer that echoes the JWT has it redacted.
func TestExchangeTokenErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, contentType, body string
		status                  int
		want                    string
		exchangeError           bool
	}{
		{"refusal", "application/json", `{"error":"invalid_grant","error_description":"the token expired at 12:00:00"}`, 400,
			"token exchange refused (invalid_grant): the token expired at 12:00:00", true},
		{"echo", "application/json", `{"error":"invalid_request","error_description":"bad token ` + testJWT + `"}`, 400,
			"token exchange refused (invalid_request): bad token <redacted>", true},
		{"old portal", "application/problem+json", `{"title":"Not Found","status":404,"detail":"no route POST /v1/oauth/token"}`, 404,
			"POST /v1/oauth/token: 404 Not Found: no route POST /v1/oauth/token", false},
		{"proxy page", "text/html", `<html>forbidden</html>`, 403, "POST /v1/oauth/token: 403 Forbidden: <html>forbidden</html>", false},
		{"no token", "application/json", `{"token_type":"Bearer"}`, 200, "the answer has no access_token", false},
		{"other type", "application/json", `{"access_token":"x","token_type":"mac"}`, 200, `token_type "mac"`, false},
		// Every 4xx may carry RFC 6749's answer, the last one too; a 5xx is
		// the portal's failure, read as a problem.
		{"last 4xx", "application/json", `{"error":"invalid_client","error_description":"closed"}`, 499,
			"token exchange refused (invalid_client): closed", true},
		{"5xx", "application/json", `{"error":"server_error","error_description":"down"}`, 500,
			"POST /v1/oauth/token: 500 Internal Server Error", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c, err := newClient(Config{Endpoint: f.URL}, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ExchangeToken(t.Context(), testJWT)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), testJWT) {
				t.Fatalf("error %v; want one containing %q, without the JWT", err, tc.want)
			}
			if _, ok := errors.AsType[*ExchangeError](err); ok != tc.exchangeError {
				t.Fatalf("error %#v: *ExchangeError %v, want %v", err, ok, tc.exchangeError)
			}
		})
	}
}

// Exactly one of Token and TokenSource; a source's token must be a
// usable bearer token.
func TestConfigTokenSource(t *testing.T) {
	t.Parallel()
	static := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})
	if _, err := New(Config{Endpoint: "http://127.0.0.1", Token: testToken, TokenSource: static}); err == nil ||
		!strings.Contains(err.Error(), "both Token and TokenSource") {
		t.Fatalf("both: %v", err)
	}
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusNoContent) })
	c, err := New(Config{Endpoint: f.URL, TokenSource: static})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Fatalf("Authorization %q", got)
	}
	for _, tok := range []*oauth2.Token{{AccessToken: "a b"}, {AccessToken: "x", TokenType: "mac"}, {}} {
		c, err := New(Config{Endpoint: f.URL, TokenSource: oauth2.StaticTokenSource(tok)})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Health(t.Context()); err == nil {
			t.Fatalf("token %+v accepted", tok)
		}
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("%d requests; an unusable token must send none", n)
	}
}

// GitHub Actions is asked with its request token as the bearer and the
// audience added to its URL's query, as its toolkit does.
func TestGitHubActionsJWT(t *testing.T) {
	t.Parallel()
	const requestToken = "ghs_REQUEST-TOKEN-secret"
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Header.Get("Authorization") != "Bearer "+requestToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte("bad credentials: " + r.Header.Get("Authorization")))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"value": testJWT + "\n"})
	})
	src := GitHubActionsJWT(f.URL+"/token?api-version=2.0", requestToken, "https://portal.example.com", nil)
	jwt, err := src(t.Context())
	if err != nil || jwt != testJWT {
		t.Fatalf("jwt %q, %v", jwt, err)
	}
	q, _ := url.ParseQuery(f.requests()[0].Query)
	if q.Get("audience") != "https://portal.example.com" || q.Get("api-version") != "2.0" {
		t.Fatalf("query %q", f.requests()[0].Query)
	}

	const wrong = "ghs_WRONG-secret"
	_, err = GitHubActionsJWT(f.URL+"/token", wrong, "jwo", nil)(t.Context())
	if err == nil || !strings.Contains(err.Error(), "401 Unauthorized: bad credentials: Bearer <redacted>") ||
		!strings.Contains(err.Error(), "id-token: write") || strings.Contains(err.Error(), wrong) {
		t.Fatalf("refused: %v", err)
	}
	if _, err := GitHubActionsJWT("::", requestToken, "jwo", nil)(t.Context()); err == nil {
		t.Fatal("a URL that is no URL")
	}
}

// A token request is never redirected: the bearer would follow.
func TestGitHubActionsJWTFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	elsewhere := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { _, _ = w.Write([]byte(`{"value":"x"}`)) })
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, elsewhere.URL, http.StatusFound)
	})
	if _, err := GitHubActionsJWT(f.URL, "ghs_x", "jwo", nil)(t.Context()); err == nil || len(elsewhere.requests()) != 0 {
		t.Fatalf("redirect followed: %v, %d requests elsewhere", err, len(elsewhere.requests()))
	}
}

func TestJWTFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	if err := os.WriteFile(path, []byte("  "+testJWT+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if jwt, err := JWTFile(path)(t.Context()); err != nil || jwt != testJWT {
		t.Fatalf("jwt %q, %v", jwt, err)
	}
	for name, want := range map[string]string{"missing": "no such file", "empty": "is empty"} {
		p := filepath.Join(dir, name)
		if name == "empty" {
			if err := os.WriteFile(p, []byte("\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := JWTFile(p)(t.Context()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", name, err, want)
		}
	}
	if _, err := StaticJWT(" ")(context.Background()); err == nil {
		t.Error("an empty JWT")
	}
}

// The renewal comes at four fifths of a token's life, at most a minute
// before its end.
func TestRenewBefore(t *testing.T) {
	t.Parallel()
	for life, want := range map[time.Duration]time.Duration{
		time.Minute: 12 * time.Second, 10 * time.Minute: time.Minute, time.Hour: time.Minute, 0: 0,
	} {
		if got := renewBefore(life); got != want {
			t.Errorf("renewBefore(%v) = %v, want %v", life, got, want)
		}
	}
}

// A token's Expiry is when the portal says it ends, measured from before
// the request; a token without expires_in has none (oauth2's "never").
func TestExchangeTokenExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer   string
		lifetime time.Duration // 0: no Expiry
	}{
		{`{"access_token":"jwo_x","token_type":"Bearer","expires_in":600}`, 600 * time.Second},
		{`{"access_token":"jwo_x","token_type":"Bearer"}`, 0},
		{`{"access_token":"jwo_x","token_type":"Bearer","expires_in":0}`, 0},
		{`{"access_token":"jwo_x","token_type":"Bearer","expires_in":-5}`, 0},
	} {
		f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(tc.answer))
		})
		c, err := newClient(Config{Endpoint: f.URL}, nil)
		if err != nil {
			t.Fatal(err)
		}
		before := time.Now()
		tok, err := c.ExchangeToken(t.Context(), testJWT)
		if err != nil {
			t.Fatal(err)
		}
		if tc.lifetime == 0 {
			if !tok.Expiry.IsZero() || !tok.Valid() {
				t.Errorf("%s: Expiry %v, valid %v; want none, valid", tc.answer, tok.Expiry, tok.Valid())
			}
			continue
		}
		if tok.Expiry.Before(before.Add(tc.lifetime)) || tok.Expiry.After(time.Now().Add(tc.lifetime)) {
			t.Errorf("%s: Expiry in %v, want %v", tc.answer, time.Until(tok.Expiry), tc.lifetime)
		}
	}
}

// The token source renews a token at four fifths of its life, at most a
// minute before its end; a token of no stated life is renewed after 48 s,
// as if it lived a minute.
func TestExchangeTokenSourceRenewalTime(t *testing.T) {
	t.Parallel()
	sent := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		expiresIn string // the answer's expires_in member, "" for none
		renewal   time.Duration
	}{
		{`,"expires_in":60`, 48 * time.Second},
		{`,"expires_in":600`, 540 * time.Second},
		{`,"expires_in":3600`, 59 * time.Minute},
		{``, 48 * time.Second},
	} {
		f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"jwo_x","token_type":"Bearer"` + tc.expiresIn + `}`))
		})
		src, err := exchangeTokenSource(Config{Endpoint: f.URL}, StaticJWT(testJWT), func() time.Time { return sent })
		if err != nil {
			t.Fatal(err)
		}
		tok, err := src.Token()
		if err != nil {
			t.Fatal(err)
		}
		if got := tok.Expiry.Sub(sent); got != tc.renewal {
			t.Errorf("answer with %q: renewal %v after the request, want %v", tc.expiresIn, got, tc.renewal)
		}
	}
}

// A token file may hold up to maxJWTBytes; a larger one is refused rather
// than cut, whatever fills it.
func TestJWTFileSize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	largest := strings.Repeat("j", maxJWTBytes)
	for name, content := range map[string]string{"largest": largest, "larger": largest + "j", "padded": largest + "\n"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		jwt, err := JWTFile(p)(t.Context())
		if name == "largest" {
			if err != nil || jwt != largest {
				t.Errorf("a file of %d bytes: %d bytes read, %v", maxJWTBytes, len(jwt), err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "is larger than 65536 bytes: it must hold the JWT alone") {
			t.Errorf("%s: a file of %d bytes: %d bytes read, %v; want it refused", name, len(content), len(jwt), err)
		}
	}
}

// GitHub's answer may take up to maxJWTBytes; a larger one is refused
// even when what is past the cap is white space that JSON would skip.
func TestGitHubActionsJWTAnswerSize(t *testing.T) {
	t.Parallel()
	answer := `{"value":"` + testJWT + `"}`
	for _, size := range []int{maxJWTBytes, maxJWTBytes + 1} {
		f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			_, _ = w.Write([]byte(answer + strings.Repeat(" ", size-len(answer))))
		})
		jwt, err := GitHubActionsJWT(f.URL, "ghs_x", "jwo", nil)(t.Context())
		if size <= maxJWTBytes && (err != nil || jwt != testJWT) {
			t.Errorf("an answer of %d bytes: %q, %v", size, jwt, err)
		}
		if size > maxJWTBytes && (err == nil || !strings.Contains(err.Error(), `the answer is not {"value": JWT}`)) {
			t.Errorf("an answer of %d bytes: %q, %v; want it refused", size, jwt, err)
		}
	}
}

// GitHub's request URL is https (the tests' fakes are http); any other
// scheme is refused before a request.
func TestGitHubActionsJWTSchemes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"value":"` + testJWT + `"}`))
	}))
	t.Cleanup(srv.Close)
	if jwt, err := GitHubActionsJWT(srv.URL+"/token", "ghs_x", "jwo", srv.Client())(t.Context()); err != nil || jwt != testJWT {
		t.Fatalf("https: %q, %v", jwt, err)
	}
	for _, u := range []string{"ftp://127.0.0.1/token", "/token", "http:///token"} {
		if _, err := GitHubActionsJWT(u, "ghs_x", "jwo", nil)(t.Context()); err == nil ||
			err.Error() != "ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL" {
			t.Errorf("%s: %v", u, err)
		}
	}
}
