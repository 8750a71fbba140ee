package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// maxBodyBytes caps every request body; the largest legitimate body (a store
// profile) is far smaller.
const maxBodyBytes = 64 << 10

// requestInfo is filled in as the request travels inward (route, actor) and
// read on the way out by the log and metrics middleware.
type requestInfo struct {
	id    string
	route string
	actor string
	query url.Values // the query, checked against the route's parameters
}

type requestInfoKey struct{}

func requestInfoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// A caller's request id is kept only when it is short and plain, so that it
// cannot forge log lines or headers.
var callerRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestInfo gives every request an id, echoed in X-Request-Id on every
// answer, errors included.
func withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !callerRequestID.MatchString(id) {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-Id", id)
		info := &requestInfo{id: id, route: "unmatched"}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
	})
}

// statusWriter remembers the status an answer was sent with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// withAccessLog logs one line per request and counts it. The line has the
// method, the route pattern, the path without its query, status, duration,
// request id and actor name; never a header, so never a token.
func (a *API) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		info := requestInfoFrom(r.Context())
		a.metrics.countRequest(info.route, sw.status)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		a.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("route", info.route),
			slog.String("path", logPath(r.URL.Path)),
			slog.Int("status", sw.status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("request_id", info.id),
			slog.String("actor", info.actor),
		)
	})
}

// maxLoggedPath bounds the path in an access log line: a client can send
// paths of tens of kilobytes, and each would otherwise fill the log.
const maxLoggedPath = 256

// logPath is the path cut to maxLoggedPath bytes (at a character boundary),
// marked with the length it had.
func logPath(path string) string {
	if len(path) <= maxLoggedPath {
		return path
	}
	return fmt.Sprintf("%s...(%d bytes)", jwo.TruncateUTF8(path, maxLoggedPath), len(path))
}

// withRecover turns a panic into a 500 problem with the request id, and logs
// the stack; one bad request must not take the portal down.
func (a *API) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // a panic value, not a returned error: match net/http exactly
				panic(v)
			}
			info := requestInfoFrom(r.Context())
			a.log.ErrorContext(r.Context(), "panic in handler", "request_id", info.id, "route", info.route,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status != 0 {
				// The answer has begun; nothing sensible can follow it.
				return
			}
			writeProblem(sw, r, http.StatusInternalServerError, "internal",
				fmt.Sprintf("the portal failed to handle the request; quote request id %s when reporting it", info.id), nil)
		}()
		next.ServeHTTP(sw, r)
	})
}

// withBodyLimit caps what a handler can read; decodeJSON turns the overrun
// into 413.
func withBodyLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// hsts is the Strict-Transport-Security of answers over TLS: a year, the
// host only (the portal cannot speak for its parent domain's other hosts).
const hsts = "max-age=31536000"

// withNoStore keeps answers, which may name a merchant's stores, out of
// shared caches, and tells browsers never to guess a content type (a JSON
// answer echoing a store name must not be run as HTML).
func withNoStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.TLS != nil {
			// Served over TLS (serve --tls-cert): browsers keep to https for
			// a year, so that a console cookie never travels in clear.
			w.Header().Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}
