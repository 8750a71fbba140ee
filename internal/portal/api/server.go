package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi"
)

// handlerFunc is a handler that returns its error; serve writes it as a
// problem document.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// routes builds the handler: the middleware around a ServeMux whose patterns
// are the API's paths.
func (a *API) routes(console Console) http.Handler {
	mux := http.NewServeMux()
	// Each route names the query parameters it takes; any other is 400 on
	// every route, so that a typo never passes silently (see queryParams).
	open := func(pattern string, h handlerFunc) { mux.Handle(pattern, a.serve(pattern, openRoute, h)) }
	authed := func(pattern string, h handlerFunc, query ...string) {
		mux.Handle(pattern, a.serve(pattern, authedRoute, h, query...))
	}

	// A health checker behind the same address as a flood must still see
	// the truth: /healthz is in no budget (it reads one row).
	mux.Handle("GET /healthz", a.serve("GET /healthz", healthRoute, a.healthz))
	open("GET /v1/openapi.json", a.openAPI)
	// The token endpoint reads its query itself: its refusals are RFC 6749's
	// JSON, never problem documents.
	mux.Handle("POST /v1/oauth/token", a.serve("POST /v1/oauth/token", tokenRoute, a.exchangeToken))

	authed("GET /v1/stores", a.listStores, "store_type", "completion_status", "method", "page_size", "page_token")
	authed("POST /v1/stores", a.createStore)
	authed("GET /v1/stores/{store_id}", a.getStore)
	authed("PATCH /v1/stores/{store_id}", a.patchStore)
	authed("GET /v1/stores/{store_id}/completion", a.getCompletion)

	authed("GET /v1/connectors", a.listMerchantConnectors, "store_id", "method", "store_type", "connectivity_status", "last_changed_via", "page_size", "page_token")
	authed("GET /v1/stores/{store_id}/connectors", a.listConnectors)
	authed("GET /v1/stores/{store_id}/connectors/{method}", a.getConnector)
	authed("PUT /v1/stores/{store_id}/connectors/{method}", a.putConnector)
	authed("DELETE /v1/stores/{store_id}/connectors/{method}", a.deleteConnector)

	authed("POST /v1/stores/{store_id}/connectors/{method}/tests", a.startTest)
	authed("GET /v1/stores/{store_id}/connectors/{method}/tests", a.listTests, "limit")
	authed("GET /v1/tests", a.getTests, "test_id", "limit")
	authed("GET /v1/tests/{test_id}", a.getTest)

	authed("GET /v1/stores/{store_id}/catalog/items", a.listCatalog, "sku", "page_size", "page_token")
	authed("PUT /v1/stores/{store_id}/catalog/items/{sku}", a.putCatalogItem)

	authed("GET /v1/audit-events", a.listAudit, "store_id", "page_size", "page_token")

	authed("GET /v1/tokens", a.listTokens)
	authed("DELETE /v1/tokens/{token_id}", a.deleteToken)

	authed("GET /v1/trust-policies", a.listTrustPolicies)
	authed("POST /v1/trust-policies", a.createTrustPolicy)
	authed("DELETE /v1/trust-policies/{policy_id}", a.deleteTrustPolicy)

	if console != nil {
		mux.Handle("/console/", a.consoleLimits(console))
	}

	h := a.dispatch(mux)
	h = withBodyLimit(h)
	h = withNoStore(h)
	h = a.withRecover(h)
	h = a.withAccessLog(h)
	h = withRequestInfo(h)
	return h
}

// routeKind says which budget a route's requests count against.
type routeKind int

const (
	healthRoute routeKind = iota // no budget
	openRoute                    // the open routes' budget, per client address
	authedRoute                  // per token; failed authentications per client address
	tokenRoute                   // the open routes' budget; the handler checks its own query
)

// serve adapts a handlerFunc: it names the route for logs and metrics,
// authenticates and rate-limits as its kind says, and writes a returned
// error.
func (a *API) serve(pattern string, kind routeKind, h handlerFunc, query ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := requestInfoFrom(r.Context())
		info.route = pattern
		if kind == openRoute || kind == tokenRoute {
			if err := a.openLimiter.allow(a.addressOf(r)); err != nil {
				a.writeError(w, r, err)
				return
			}
		}
		if kind == authedRoute {
			c, err := a.authenticate(r)
			if err == nil {
				err = a.limiter.allow(c.TokenID())
			} else if portal.IsKind(err, portal.KindNoCredentials) || portal.IsKind(err, portal.KindBadCredentials) {
				if limited := a.authLimiter.allow(a.addressOf(r)); limited != nil {
					err = limited
				}
			}
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			r = r.WithContext(withCaller(r.Context(), c))
		}
		if kind != tokenRoute {
			q, err := queryParams(r, query...)
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			info.query = q
		}
		if err := h(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// dispatch answers paths and methods the API does not have with problem
// documents instead of the ServeMux's plain-text errors.
func (a *API) dispatch(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's own answer says whether the path exists for another
		// method (405 with Allow) or not at all.
		rec := &headerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeProblem(w, r, http.StatusMethodNotAllowed, "method-not-allowed",
				"method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+rec.header.Get("Allow"), nil)
			return
		}
		writeProblem(w, r, http.StatusNotFound, "not-found", "there is no resource at "+r.URL.Path, nil)
	})
}

type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(code int)        { h.status = code }

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	// A failed write means the client went away after the status was sent:
	// there is no one left to answer.
	_, _ = w.Write(b)
	return nil
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Ping(r.Context()); err != nil {
		a.log.ErrorContext(r.Context(), "health check failed", "error", err.Error())
		return databaseUnavailable()
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	doc := openapi.Document()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
	return nil
}
