package store

import (
	"net/url"
	"strconv"
	"strings"
)

// mask stands for a secret in what is shown.
const mask = "xxxxx"

// Display is a database location as logs and messages may show it (serve's
// start log, migrate, connection errors): a PostgreSQL URL loses every
// secret, the password of its user info and the value of every query
// parameter whose name holds "password" (pgx reads password= and
// sslpassword= there). A URL that does not parse is not shown at all.
func Display(location string) string {
	if !IsPostgresURL(location) {
		return location
	}
	u, err := url.Parse(location)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if u.RawQuery != "" {
		q, _ := url.ParseQuery(u.RawQuery)
		for k := range q {
			if secretParam(k) {
				q[k] = []string{mask}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func secretParam(name string) bool {
	return strings.Contains(strings.ToLower(name), "password")
}

// urlSecrets are the secret values of a PostgreSQL URL, read without
// url.Parse so that a URL too broken to parse (whose text a parser's error
// quotes) still gives them up: the user info's password, up to the last @
// of the authority, and every password-like query value, as written and
// decoded.
func urlSecrets(location string) []string {
	rest := location
	if _, after, ok := strings.Cut(rest, "://"); ok {
		rest = after
	}
	query := ""
	if before, after, ok := strings.Cut(rest, "?"); ok {
		rest, query = before, after
	}
	var raw []string
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
			raw = append(raw, pw)
		}
	}
	query, _, _ = strings.Cut(query, "#")
	for kv := range strings.SplitSeq(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if secretParam(k) {
			raw = append(raw, v)
		}
	}
	var out []string
	for _, s := range raw {
		if s == "" {
			continue
		}
		out = append(out, s)
		if d, err := url.QueryUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
		if d, err := url.PathUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
	}
	return out
}

// redactError is err with every secret of location masked in its text: pgx
// redacts what it recognises, but an error it wraps (url.Parse's quotes the
// whole URL) may still hold the URL as given.
func redactError(err error, location string) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, location: location}
}

type redactedError struct {
	err      error
	location string
}

func (e *redactedError) Error() string {
	msg := e.err.Error()
	shown := Display(e.location)
	msg = strings.ReplaceAll(msg, e.location, shown)
	if q := strings.Trim(strconv.Quote(e.location), `"`); q != e.location {
		msg = strings.ReplaceAll(msg, q, shown)
	}
	for _, s := range urlSecrets(e.location) {
		msg = strings.ReplaceAll(msg, s, mask)
	}
	return msg
}

// Unwrap keeps errors.Is and errors.As working (ErrUnavailable and the
// like); whoever prints the inner error itself must redact it again.
func (e *redactedError) Unwrap() error { return e.err }
