// Package console is the portal's web console: the Connector Configurations
// page of the seed documents (Settings > Developer Settings), rendered on the
// server with html/template, working without JavaScript, on the same service
// layer as the JSON API so that it holds no rule of its own.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures the console.
type Options struct {
	SessionTTL time.Duration    // from sign-in; 0 = defaultSessionTTL
	Now        func() time.Time // nil = time.Now
	Logger     *slog.Logger     // nil = discard
}

// Console serves the pages under /console/.
type Console struct {
	svc   *portal.Service
	ttl   time.Duration
	now   func() time.Time
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New makes the console of a service.
func New(svc *portal.Service, opts Options) *Console {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = defaultSessionTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Console{svc: svc, ttl: opts.SessionTTL, now: opts.Now, log: opts.Logger,
		pages: parsePages(), mux: http.NewServeMux()}
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET /console/static/", c.noListing(http.StripPrefix(staticPrefix, http.FileServerFS(static))))
	c.mux.HandleFunc("GET /console/sign-in", c.signInPage)
	c.mux.HandleFunc("POST /console/sign-in", c.signIn)
	c.mux.HandleFunc("POST /console/sign-out", c.signedIn(c.signOut))
	c.mux.HandleFunc("GET /console/{$}", c.signedIn(c.storeList))
	c.mux.HandleFunc("GET /console/wizard/skip", c.signedIn(c.skipWizard))
	c.mux.HandleFunc("GET /console/stores/{store_id}", c.signedIn(c.storePage))
	c.mux.HandleFunc("POST /console/stores/{store_id}/connectors/{method}", c.signedIn(c.saveConnector))
	c.mux.HandleFunc("GET /console/stores/{store_id}/connectors/{method}", c.signedIn(c.details))
	c.mux.HandleFunc("POST /console/stores/{store_id}/connectors/{method}/tests", c.signedIn(c.runTest))
	c.mux.HandleFunc("/console/", c.notFound)
	return c
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The pages need nothing from elsewhere: no frame, no foreign script.
	h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	c.mux.ServeHTTP(w, r)
}

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"method":      methodLabel,
		"storeType":   storeTypeLabel,
		"completion":  completionLabel,
		"status":      statusLabel,
		"testStatus":  testStatusLabel,
		"endpoint":    endpointTypeLabel,
		"seg":         func(m any) string { return segment(m) },
		"when":        when,
		"add":         func(a, b int) int { return a + b },
		"reason":      reasonLabel,
		"suite":       suiteLabel,
		"caseStatus":  caseStatusLabel,
		"failedFirst": casesFailedFirst,
		"conformance": conformanceOf,
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"signin", "stores", "store", "details", "error"} {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
		pages[name] = t
	}
	return pages
}

// view is what every page's layout needs.
type view struct {
	Title   string
	Who     *who // nil when signed out
	CSRF    string
	Flash   string
	Problem string
	Page    any
}

type who struct {
	Name, Role, Merchant string
	CanWrite             bool
}

func (c *Console) render(w http.ResponseWriter, status int, name string, v view) {
	var buf bytesBuffer
	if err := c.pages[name].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		c.log.Error("console template failed", "page", name, "error", err.Error())
		http.Error(w, "the console failed to render this page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.b)
}

type bytesBuffer struct{ b []byte }

func (b *bytesBuffer) Write(p []byte) (int, error) { b.b = append(b.b, p...); return len(p), nil }

// request is a signed-in request: its session's cookie value, CSRF token
// and caller.
type request struct {
	id     string
	csrf   string
	caller portal.Caller
}

type signedInHandler func(w http.ResponseWriter, r *http.Request, rq request)

// session is the session of the request's cookie: the one Session
// resolved on the way in, or resolved now. reason says why there is none
// ("" when the browser never had one).
func (c *Console) session(w http.ResponseWriter, r *http.Request) (rq request, reason string, err error) {
	if res, ok := r.Context().Value(resolvedKey{}).(*resolved); ok {
		return res.rq, res.reason, res.err
	}
	return c.resume(w, r)
}

// resume resumes the session of the request's cookie.
func (c *Console) resume(w http.ResponseWriter, r *http.Request) (rq request, reason string, err error) {
	id := cookieValue(r, SessionCookie)
	if id == "" {
		return request{}, "", nil
	}
	ss, err := c.svc.ResumeSession(r.Context(), id)
	if err == nil && !c.now().Before(ss.ExpiresAt) {
		err = errors.Join(portal.ErrNoSession, c.svc.EndSession(r.Context(), id))
	}
	if err == nil {
		return request{id: id, csrf: ss.CSRF, caller: ss.Caller}, "", nil
	}
	http.SetCookie(w, cookie(r, SessionCookie, "", -1))
	if errors.Is(err, portal.ErrNoSession) {
		return request{}, "expired", nil
	}
	if p, ok := refusalOf(err); ok && p.Status == http.StatusUnauthorized {
		return request{}, "token", nil
	}
	return request{}, "", err
}

// signedIn finds the session, whose token the portal checks again on every
// request (a revoked or expired token ends the session at once), and
// refuses a POST that comes from another site or lacks the session's CSRF
// token.
func (c *Console) signedIn(h signedInHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq, reason, err := c.session(w, r)
		if err != nil {
			c.fault(w, r, err)
			return
		}
		if rq.id == "" {
			c.toSignIn(w, r, reason)
			return
		}
		if r.Method == http.MethodPost {
			if crossSite(r) {
				c.refuse(w, r, http.StatusForbidden, "This form was sent from another site; the console accepts forms from its own pages only.")
				return
			}
			if err := r.ParseForm(); err != nil || !sameToken(r.PostForm.Get("csrf"), rq.csrf) {
				c.refuse(w, r, http.StatusForbidden, "This form has no valid CSRF token: reload the page and send it again.")
				return
			}
		}
		h(w, r, rq)
	}
}

// signInReasons are why the sign-in page is shown, by the code in its URL:
// fixed sentences, so that a link cannot put words of its own on the page.
var signInReasons = map[string]string{
	"expired": "Your session has expired: sign in again.",
	"token":   "Your session has ended because its token is no longer valid (revoked, expired or removed): sign in with a valid token.",
	"signout": "You have signed out.",
}

func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request, reason string) {
	target := "/console/sign-in"
	if reason != "" {
		target += "?reason=" + url.QueryEscape(reason)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (c *Console) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c.render(w, status, "error", view{Title: http.StatusText(status), Problem: msg})
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.refuse(w, r, http.StatusNotFound, "There is no console page at "+r.URL.Path+".")
}

// fault answers a failure of the portal itself without its text.
func (c *Console) fault(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	c.log.Error("console request failed", "path", r.URL.Path, "error", err.Error())
	c.refuse(w, r, http.StatusInternalServerError, "The portal failed to handle this page; try again.")
}

// problem answers an error of the service: in the portal's words when it
// has them.
func (c *Console) problem(w http.ResponseWriter, r *http.Request, rq request, err error) {
	p, ok := refusalOf(err)
	if !ok {
		c.fault(w, r, err)
		return
	}
	c.render(w, p.Status, "error", c.base(rq, http.StatusText(p.Status), p.Detail))
}

func (c *Console) base(rq request, title, problem string) view {
	return view{Title: title, Problem: problem, CSRF: rq.csrf, Who: &who{
		Name: rq.caller.Name(), Role: string(rq.caller.Role()), Merchant: rq.caller.Merchant(),
		CanWrite: rq.caller.Role().CanWriteConnectors(),
	}}
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if rq, _, err := c.session(w, r); err == nil && rq.id != "" {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
		return
	}
	c.renderSignIn(w, r, http.StatusOK, signInReasons[r.URL.Query().Get("reason")])
}

func (c *Console) renderSignIn(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok := randomToken()
	http.SetCookie(w, cookie(r, signInCookie, tok, 30*time.Minute))
	c.render(w, status, "signin", view{Title: "Sign in", CSRF: tok, Problem: problem})
}

// signIn turns a pasted token into a session. The token is checked by the
// portal's one authentication function and then forgotten.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if crossSite(r) {
		c.refuse(w, r, http.StatusForbidden, "This form was sent from another site; the console accepts forms from its own pages only.")
		return
	}
	if err := r.ParseForm(); err != nil || !sameToken(r.PostForm.Get("csrf"), cookieValue(r, signInCookie)) {
		c.renderSignIn(w, r, http.StatusForbidden, "The sign-in form has expired: paste the token again.")
		return
	}
	caller, err := c.svc.Authenticate(r.Context(), r.PostForm.Get("token"), portal.ViaConsole)
	if err != nil {
		if p, ok := refusalOf(err); ok {
			c.renderSignIn(w, r, p.Status, p.Detail)
			return
		}
		c.fault(w, r, err)
		return
	}
	id := randomToken()
	if err := c.svc.StartSession(r.Context(), caller, id, randomToken(), c.now().Add(c.ttl)); err != nil {
		c.fault(w, r, err)
		return
	}
	http.SetCookie(w, cookie(r, signInCookie, "", -1))
	http.SetCookie(w, cookie(r, SessionCookie, id, c.ttl))
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, rq request) {
	if err := c.svc.EndSession(r.Context(), rq.id); err != nil {
		c.fault(w, r, err)
		return
	}
	http.SetCookie(w, cookie(r, SessionCookie, "", -1))
	c.toSignIn(w, r, "signout")
}
