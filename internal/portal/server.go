package portal

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi"
)

// consoleSignIn is the console's sign-in form: where a token is pasted.
const consoleSignIn = "/console/sign-in"

// handlerFunc is a handler that returns its error; serve writes it as a
// problem document.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// routes builds the handler: the middleware around a ServeMux whose patterns
// are the API's paths.
func (p *Portal) routes() http.Handler {
	mux := http.NewServeMux()
	open := func(pattern string, h handlerFunc) { mux.Handle(pattern, p.serve(pattern, false, h)) }
	authed := func(pattern string, h handlerFunc) { mux.Handle(pattern, p.serve(pattern, true, h)) }

	open("GET /healthz", p.healthz)
	open("GET /v1/openapi.json", p.openAPI)

	authed("GET /v1/stores", p.listStores)
	authed("POST /v1/stores", p.createStore)
	authed("GET /v1/stores/{store_id}", p.getStore)
	authed("PATCH /v1/stores/{store_id}", p.patchStore)
	authed("GET /v1/stores/{store_id}/completion", p.getCompletion)

	authed("GET /v1/connectors", p.listMerchantConnectors)
	authed("GET /v1/stores/{store_id}/connectors", p.listConnectors)
	authed("GET /v1/stores/{store_id}/connectors/{method}", p.getConnector)
	authed("PUT /v1/stores/{store_id}/connectors/{method}", p.putConnector)
	authed("DELETE /v1/stores/{store_id}/connectors/{method}", p.deleteConnector)

	authed("POST /v1/stores/{store_id}/connectors/{method}/tests", p.startTest)
	authed("GET /v1/stores/{store_id}/connectors/{method}/tests", p.listTests)
	authed("GET /v1/tests", p.getTests)
	authed("GET /v1/tests/{test_id}", p.getTest)

	authed("GET /v1/stores/{store_id}/catalog/items", p.listCatalog)
	authed("PUT /v1/stores/{store_id}/catalog/items/{sku}", p.putCatalogItem)

	authed("GET /v1/audit-events", p.listAudit)

	authed("GET /v1/tokens", p.listTokens)
	authed("DELETE /v1/tokens/{token_id}", p.deleteToken)

	if p.opts.Console != nil {
		// The console authenticates by its own session cookie, with the
		// same token check as the API (Service.Reauthenticate).
		console := p.opts.Console(p.Service())
		mux.Handle("/console/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requestInfoFrom(r.Context()).route = "/console/"
			// A pasted token is a request with a token not yet checked:
			// the same per-address limit as the API's slows a guesser.
			if r.Method == http.MethodPost && r.URL.Path == consoleSignIn {
				if err := p.addrLimiter.allow(clientAddress(r)); err != nil {
					p.writeError(w, r, err)
					return
				}
			}
			console.ServeHTTP(w, r)
		}))
	}

	h := p.dispatch(mux)
	h = withBodyLimit(h)
	h = withNoStore(h)
	h = p.withRecover(h)
	h = p.withAccessLog(h)
	h = withRequestInfo(h)
	return h
}

// serve adapts a handlerFunc: it names the route for logs and metrics,
// authenticates and rate-limits when asked, and writes a returned error.
func (p *Portal) serve(pattern string, auth bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestInfoFrom(r.Context()).route = pattern
		if !auth {
			if err := p.addrLimiter.allow(clientAddress(r)); err != nil {
				p.writeError(w, r, err)
				return
			}
		}
		if auth {
			pr, err := p.authenticate(r)
			if err == nil {
				err = p.limiter.allow(pr.key)
			} else if isUnauthorized(err) {
				if limited := p.addrLimiter.allow(clientAddress(r)); limited != nil {
					err = limited
				}
			}
			if err != nil {
				p.writeError(w, r, err)
				return
			}
			pr.via = viaOfUserAgent(r.UserAgent())
			r = r.WithContext(withPrincipal(r.Context(), pr))
		}
		if err := h(w, r); err != nil {
			p.writeError(w, r, err)
		}
	})
}

// dispatch answers paths and methods the API does not have with problem
// documents instead of the ServeMux's plain-text errors.
func (p *Portal) dispatch(mux *http.ServeMux) http.Handler {
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

func (p *Portal) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := p.db.Ping(r.Context()); err != nil {
		p.log.ErrorContext(r.Context(), "health check failed", "error", err.Error())
		return databaseUnavailable()
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (p *Portal) openAPI(w http.ResponseWriter, r *http.Request) error {
	doc := openapi.Document()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
	return nil
}
