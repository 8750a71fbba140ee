package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// maxJWTBytes bounds a JWT read from a file or a CI's answer; CI tokens are
// 1 to 2 KiB and the portal refuses more than 16 KiB.
const maxJWTBytes = 64 << 10

// StaticJWT is a JWT given once (oidc_token, HCP Terraform's
// TFC_WORKLOAD_IDENTITY_TOKEN): every renewal exchanges it again, which
// works while it is valid.
func StaticJWT(jwt string) SubjectToken {
	return func(context.Context) (string, error) {
		if strings.TrimSpace(jwt) == "" {
			return "", errors.New("the OpenID Connect token is empty")
		}
		return jwt, nil
	}
}

// JWTFile reads the JWT from path at every call: a CI or an agent that
// replaces the file keeps the renewals going with fresh tokens.
func JWTFile(path string) SubjectToken {
	return func(context.Context) (string, error) {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read the OpenID Connect token file: %w", err)
		}
		defer func() { _ = f.Close() }()
		b, err := io.ReadAll(io.LimitReader(f, maxJWTBytes+1))
		if err != nil {
			return "", fmt.Errorf("read the OpenID Connect token file %s: %w", path, err)
		}
		if len(b) > maxJWTBytes {
			return "", fmt.Errorf("the OpenID Connect token file %s is larger than %d bytes: it must hold the JWT alone", path, maxJWTBytes)
		}
		jwt := strings.TrimSpace(string(b))
		if jwt == "" {
			return "", fmt.Errorf("the OpenID Connect token file %s is empty", path)
		}
		return jwt, nil
	}
}

// gitHubRequestTimeout bounds one token request to GitHub Actions.
const gitHubRequestTimeout = 30 * time.Second

// GitHubActionsJWT asks GitHub Actions for a token for audience at every
// call, as its toolkit does: GET ACTIONS_ID_TOKEN_REQUEST_URL with
// "audience" added to its query and ACTIONS_ID_TOKEN_REQUEST_TOKEN as the
// bearer; the answer is {"value": JWT}. The job needs the permission
// `id-token: write` for GitHub to set those two variables. hc nil is a
// clean client of its own; no redirect is followed, so that the request
// token goes nowhere else.
func GitHubActionsJWT(requestURL, requestToken, audience string, hc *http.Client) SubjectToken {
	return func(ctx context.Context) (string, error) {
		u, err := url.Parse(requestURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL")
		}
		if audience != "" {
			q := u.Query()
			q.Set("audience", audience)
			u.RawQuery = q.Encode()
		}
		ctx, cancel := context.WithTimeout(ctx, gitHubRequestTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return "", fmt.Errorf("GitHub Actions token request: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+requestToken)
		req.Header.Set("Accept", "application/json")
		c := cleanhttp.DefaultClient()
		if hc != nil {
			copied := *hc
			c = &copied
		}
		c.CheckRedirect = refuseRedirect
		resp, err := c.Do(req) //nolint:bodyclose // closed below by the deferred drainClose
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // its text repeats the URL, whose query GitHub may fill
			}
			return "", fmt.Errorf("GitHub Actions token request to %s: %w", u.Host, err)
		}
		defer drainClose(resp.Body)
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWTBytes+1))
		if err != nil {
			return "", fmt.Errorf("GitHub Actions token request: read answer: %w", err)
		}
		redact := redactor([]string{requestToken})
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GitHub Actions token request: %d %s: %s (does the job have `permissions: id-token: write`?)",
				resp.StatusCode, http.StatusText(resp.StatusCode), redact.Replace(excerpt(body, 200)))
		}
		var ans struct {
			Value string `json:"value"`
		}
		if len(body) > maxJWTBytes || json.Unmarshal(body, &ans) != nil || strings.TrimSpace(ans.Value) == "" {
			return "", errors.New(`GitHub Actions token request: the answer is not {"value": JWT}`)
		}
		return strings.TrimSpace(ans.Value), nil
	}
}
