package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// The names RFC 8693 gives the token exchange, and the portal's endpoint.
const (
	tokenPath          = "/v1/oauth/token"
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeJWT       = "urn:ietf:params:oauth:token-type:jwt"
)

// exchangeTimeout bounds one exchange, JWT included, retries and all:
// oauth2.TokenSource's Token takes no context, so this is what stops an
// exchange that a portal or CI leaves hanging.
const exchangeTimeout = 2 * time.Minute

// SubjectToken gives the OpenID Connect JWT to exchange. It is called again
// for every renewal, so that a file is read again and a CI asked again for a
// token that has not expired meanwhile (JWTFile, GitHubActionsJWT).
type SubjectToken func(ctx context.Context) (string, error)

// ExchangeError is the portal's refusal of a token exchange, RFC 6749
// section 5.2's answer: Code is its "error" (invalid_grant, invalid_request,
// ...), Description its "error_description", which says what to fix.
type ExchangeError struct {
	StatusCode  int
	Code        string
	Description string
	Attempts    int
}

// Error reads like "token exchange refused (invalid_grant): no trust
// policy of any merchant matches issuer ...": the portal's description,
// verbatim, is what the user needs.
func (e *ExchangeError) Error() string {
	msg := "token exchange refused (" + e.Code + ")"
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// oauthError reads an RFC 6749 error answer; nil when the body is not one
// (a proxy's page, or the problem document of a portal without the token
// endpoint), which is then left for apiError to read.
func oauthError(resp *http.Response, attempts int, secrets []string) *ExchangeError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxDrainBytes))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var ans struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if !isJSON(resp.Header.Get("Content-Type")) {
		return nil
	}
	if err := json.Unmarshal(body, &ans); err != nil || ans.Error == "" {
		return nil //nolint:nilerr // not RFC 6749's answer: apiError reads it instead
	}
	r := redactor(secrets)
	return &ExchangeError{StatusCode: resp.StatusCode, Code: excerpt([]byte(r.Replace(ans.Error)), 100),
		Description: excerpt([]byte(r.Replace(ans.Description)), 1000), Attempts: attempts}
}

// ExchangeToken exchanges an OpenID Connect JWT for an access token of the
// portal at POST /v1/oauth/token (RFC 8693), under the trust policies of
// the merchants. The token's Expiry is when the portal says it expires,
// measured from before the request was sent.
//
// The call is retried like a read: a repeat whose first answer was lost
// only issues another token, and the lost one expires unused.
func (c *Client) ExchangeToken(ctx context.Context, jwt string) (*oauth2.Token, error) {
	sent := time.Now()
	tok, life, err := c.exchange(ctx, jwt)
	if err != nil {
		return nil, err
	}
	if life > 0 {
		tok.Expiry = sent.Add(life)
	}
	return tok, nil
}

// exchange is ExchangeToken with the token's life as the portal gives it
// (0 when it gives none), and no Expiry.
func (c *Client) exchange(ctx context.Context, jwt string) (*oauth2.Token, time.Duration, error) {
	if strings.TrimSpace(jwt) == "" {
		return nil, 0, errors.New("client: the OpenID Connect token to exchange is empty")
	}
	form := url.Values{
		"grant_type":         {grantTokenExchange},
		"subject_token":      {jwt},
		"subject_token_type": {tokenTypeJWT},
	}
	var ans struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if _, err := c.do(ctx, request{method: http.MethodPost, path: tokenPath, form: form, oauth: true, secret: jwt}, &ans); err != nil {
		return nil, 0, err
	}
	if ans.AccessToken == "" {
		return nil, 0, fmt.Errorf("POST %s: the answer has no access_token", tokenPath)
	}
	if err := checkToken("the exchanged access token", ans.AccessToken); err != nil {
		return nil, 0, err
	}
	if !strings.EqualFold(ans.TokenType, "Bearer") {
		return nil, 0, fmt.Errorf("POST %s: token_type %q, where the portal issues Bearer tokens", tokenPath, ans.TokenType)
	}
	return &oauth2.Token{AccessToken: ans.AccessToken, TokenType: "Bearer"}, time.Duration(max(ans.ExpiresIn, 0)) * time.Second, nil
}

// ExchangeTokenSource is the TokenSource of a Config whose requests act
// under a trust policy: it exchanges the JWT that subject gives at cfg's
// portal on the first request, hands the access token to every request
// after it, and exchanges a new JWT before the token expires: at four
// fifths of its life, at most a minute before its end, so that a long
// apply never sends an expired token. Concurrent requests wait for one
// exchange. cfg's Token and TokenSource are ignored; its endpoint, HTTP
// client, timeouts, retries and logger serve the exchange.
func ExchangeTokenSource(cfg Config, subject SubjectToken) (oauth2.TokenSource, error) {
	return exchangeTokenSource(cfg, subject, time.Now)
}

func exchangeTokenSource(cfg Config, subject SubjectToken, now func() time.Time) (oauth2.TokenSource, error) {
	if subject == nil {
		return nil, errors.New("client: ExchangeTokenSource needs a SubjectToken")
	}
	anon, err := newClient(cfg, nil)
	if err != nil {
		return nil, err
	}
	src := &exchangeSource{client: anon, subject: subject, now: now}
	// src.Token already sets Expiry to the renewal time; the smallest
	// early expiry (0 would mean oauth2's default of 10 s) keeps it so.
	return oauth2.ReuseTokenSourceWithExpiry(nil, src, time.Nanosecond), nil
}

// exchangeSource makes one exchange per Token call; the reuse wrapper of
// ExchangeTokenSource calls it only when its token is due for renewal.
type exchangeSource struct {
	client  *Client
	subject SubjectToken
	now     func() time.Time // time.Now; a test moves it back to bring a renewal near

	// A refused JWT is refused again: asking once per resource of a plan
	// would only repeat the error. A new JWT is tried.
	mu         sync.Mutex
	refusedJWT string
	refusal    error
}

func (s *exchangeSource) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), exchangeTimeout)
	defer cancel()
	jwt, err := s.subject(ctx)
	if err != nil {
		return nil, fmt.Errorf("get the OpenID Connect token to exchange: %w", err)
	}
	jwt = strings.TrimSpace(jwt)
	s.mu.Lock()
	if s.refusal != nil && jwt == s.refusedJWT {
		defer s.mu.Unlock()
		return nil, s.refusal
	}
	s.mu.Unlock()

	sent := s.now()
	tok, life, err := s.client.exchange(ctx, jwt)
	if ee, ok := errors.AsType[*ExchangeError](err); ok {
		s.mu.Lock()
		s.refusedJWT, s.refusal = jwt, ee
		s.mu.Unlock()
	}
	if err != nil {
		return nil, err
	}
	if life == 0 {
		// A portal that gives no lifetime may still end the token: renew
		// it every minute rather than never.
		life = time.Minute
	}
	// Measured from before the request went out, so the answer's time on
	// the way only makes the renewal earlier.
	tok.Expiry = sent.Add(life - renewBefore(life))
	return tok, nil
}

// renewBefore is how long before its end a token of the given life is
// replaced: a fifth of it, at most a minute. A request may wait out
// retries and rate limits after it took its token, so the token must
// outlive it; a 60-second token is replaced after 48 s, an hour's after 59
// minutes.
func renewBefore(life time.Duration) time.Duration {
	return min(life/5, time.Minute)
}
