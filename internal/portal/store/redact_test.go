package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The secrets of a PostgreSQL URL that pgx reads: the user info's password
// and the password and sslpassword query parameters (issue 22: the query
// form was printed in clear by serve's start log, migrate and connection
// errors).
var urlSecretCases = []struct {
	url     string
	secrets []string
	shown   []string // what must still be there, to tell the database apart
}{
	{"postgres://jwo:u-s3cret@db.example.com:5432/portal", []string{"u-s3cret"}, []string{"db.example.com:5432", "/portal", "jwo"}},
	{"postgres://jwo@db.example.com/portal?password=q-s3cret&sslmode=require", []string{"q-s3cret"}, []string{"db.example.com", "sslmode=require"}},
	{"postgresql://db.example.com/portal?sslmode=verify-full&sslpassword=k-s3cret&user=jwo", []string{"k-s3cret"}, []string{"user=jwo"}},
	{"postgres://db.example.com/portal?pass%77ord=e-s3cret", []string{"e-s3cret"}, []string{"db.example.com"}},
	{"postgres://db.example.com/portal?PASSWORD=c-s3cret", []string{"c-s3cret"}, []string{"db.example.com"}},
	{"postgres://jwo:a-s3cret@db.example.com/portal?password=b-s3cret", []string{"a-s3cret", "b-s3cret"}, []string{"db.example.com"}},
	{"postgres://db.example.com/portal?password=p%40ss-s3cret", []string{"p%40ss-s3cret", "p@ss-s3cret"}, []string{"db.example.com"}},
}

func TestDisplayHidesEverySecretOfAURL(t *testing.T) {
	for _, tc := range urlSecretCases {
		got := Display(tc.url)
		for _, s := range tc.secrets {
			if strings.Contains(got, s) {
				t.Errorf("Display(%q) = %q, shows %q", tc.url, got, s)
			}
		}
		for _, s := range tc.shown {
			if !strings.Contains(got, s) {
				t.Errorf("Display(%q) = %q, want %q kept", tc.url, got, s)
			}
		}
	}
	if got := Display("postgres://jwo:s3cret@db.example.com:bad port/x?password=s3cret2"); strings.Contains(got, "s3cret") {
		t.Errorf("Display of an unparsable URL = %q", got)
	}
	if got := Display("/var/lib/jwo/portal.db"); got != "/var/lib/jwo/portal.db" {
		t.Errorf("Display of a SQLite path = %q, want it as given", got)
	}
}

// Open's errors, for a URL that does not parse and for a server that is not
// there (a closed port on loopback), say which database without its secrets.
func TestOpenErrorsHideTheURLsSecrets(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, tc := range []struct{ url, want string }{
		{"postgres://jwo:u-s3cret@127.0.0.1:bad%port/portal?password=q-s3cret", "127.0.0.1"},
		{"postgres://jwo:u-s3cret@127.0.0.1:99999/portal?password=q-s3cret", "127.0.0.1"},
		{"postgres://jwo:u-s3cret@127.0.0.1:1/portal?password=q-s3cret&sslpassword=k-s3cret&sslmode=disable&connect_timeout=2", "127.0.0.1:1"},
		{"postgres://jwo@127.0.0.1:1/portal?password=q-s3cret&sslmode=disable&connect_timeout=2&pool_max_conns=x", "127.0.0.1:1"},
		// pgx masks the names it knows in the URL it quotes; this one only
		// redactError does.
		{"postgres://jwo@127.0.0.1:1/portal?Password=m-s3cret&x=%zz", "127.0.0.1:1"},
	} {
		db, err := Open(ctx, tc.url)
		if err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) succeeded", tc.url)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, tc.want) {
			t.Errorf("Open(%q) = %q; want %q named and no secret", tc.url, msg, tc.want)
		}
	}
}
