package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

const (
	// storesPerPage keeps a page of thousands of stores short to read.
	storesPerPage = 50
	historyLength = 20
	catalogChoice = 100
)

// listView is the store list: the wizard, the filters, one page of stores.
type listView struct {
	Stores             []jwo.Store
	Health             map[string]health // by store id
	StoreType, Status  string
	Unsuccessful       bool // only stores with a connector last tested Unsuccessful
	Wizard             int  // the wizard's step shown, 0 for none
	StoreTypes         []jwo.StoreType
	CompletionStatuses []jwo.CompletionStatus
	Next, First        string // links to the next and the first page; "" when there is none
}

func (c *Console) storeList(w http.ResponseWriter, r *http.Request, rq request) {
	q := r.URL.Query()
	lv := listView{StoreTypes: jwo.StoreTypes, CompletionStatuses: jwo.CompletionStatuses,
		StoreType: q.Get("store_type"), Status: q.Get("completion_status"), Unsuccessful: q.Get("health") == "unsuccessful",
		Wizard: wizardStep(r)}
	f := portal.StoreFilter{StoreType: jwo.StoreType(lv.StoreType), Completion: jwo.CompletionStatus(lv.Status)}
	v := c.base(rq, "Connector Configurations", "")
	if (f.StoreType != "" && !f.StoreType.Valid()) || (f.Completion != "" && !f.Completion.Valid()) {
		v.Problem = "Choose a store type and a completion status from the lists."
		f = portal.StoreFilter{}
		lv.StoreType, lv.Status = "", ""
	}
	after := q.Get("after")
	var stores []jwo.Store
	var next string
	var err error
	if lv.Unsuccessful {
		stores, next, err = c.storesWithUnsuccessful(r.Context(), rq.caller, f, after)
	} else {
		stores, next, err = c.svc.ListStores(r.Context(), rq.caller, f, storesPerPage, after)
	}
	if err == nil {
		ids := make([]string, len(stores))
		for i, st := range stores {
			ids[i] = st.ID
		}
		lv.Health, err = c.healthOf(r.Context(), rq.caller, ids)
	}
	if err != nil {
		c.problem(w, r, rq, err)
		return
	}
	lv.Stores = stores
	keep := url.Values{}
	if lv.Unsuccessful {
		keep.Set("health", "unsuccessful")
	}
	if lv.StoreType != "" {
		keep.Set("store_type", lv.StoreType)
	}
	if lv.Status != "" {
		keep.Set("completion_status", lv.Status)
	}
	if next != "" {
		nq := url.Values{"after": {next}}
		for k, vs := range keep {
			nq[k] = vs
		}
		lv.Next = "/console/?" + nq.Encode()
	}
	if after != "" {
		lv.First = "/console/?" + keep.Encode()
	}
	v.Page = lv
	c.render(w, http.StatusOK, "stores", v)
}

// storesWithUnsuccessful is a page of the stores that have a connector
// last tested Unsuccessful and match f.
func (c *Console) storesWithUnsuccessful(ctx context.Context, caller portal.Caller, f portal.StoreFilter, after string) ([]jwo.Store, string, error) {
	ids, err := c.unsuccessfulStores(ctx, caller, f.StoreType, after)
	if err != nil {
		return nil, "", err
	}
	var stores []jwo.Store
	for i, id := range ids {
		if len(stores) == storesPerPage {
			return stores, ids[i-1], nil
		}
		st, err := c.svc.Store(ctx, caller, id)
		if p, ok := refusalOf(err); ok && p.Status == http.StatusNotFound {
			continue // deleted since
		} else if err != nil {
			return nil, "", err
		}
		if f.Completion == "" || st.CompletionStatus == f.Completion {
			stores = append(stores, st)
		}
	}
	return stores, "", nil
}

// methodRow is one applicable method of a store on the store page.
type methodRow struct {
	Method    jwo.Method
	Connector *jwo.Connector // nil when none is saved

	Editing     bool
	Input       jwo.ConnectorInput // what the form shows
	Version     int64              // the version the edit is based on; 0 for a new connector
	FieldErrors map[string]string  // beside the field, in the portal's words
	Problem     string             // the portal's answer that is not about one field
	Conflict    bool               // someone else saved in between: Connector is theirs

	Terraform terraformState
	Catalog   []jwo.CatalogItem // ORDERING: the SKUs a test may use
	// CatalogMore says the catalog holds more than Catalog: the SKU is then
	// typed, with Catalog as suggestions, so that every item can be tested.
	CatalogMore bool
	SKU         string
	SKUError    string
}

type storeView struct {
	Store      jwo.Store
	Rows       []*methodRow
	Saved      string // the method just saved
	Flash      string
	Locked     bool     // the caller may only read
	Completion string   // the completion status in words, with the connectors' last tests
	Managed    []string // the methods whose connector Terraform manages
	Drifted    []string // and of those, changed outside Terraform since
}

// parseMethod reads a method of a console path; an unknown one is a 404.
func parseMethod(r *http.Request) (jwo.Method, bool) {
	m, err := jwo.ParseMethod(r.PathValue("method"))
	return m, err == nil
}

// loadStoreView reads what the store page shows; edit opens the pencil of
// one method.
func (c *Console) loadStoreView(ctx context.Context, rq request, id string, edit jwo.Method) (*storeView, error) {
	st, err := c.svc.Store(ctx, rq.caller, id)
	if err != nil {
		return nil, err
	}
	saved, err := c.svc.Connectors(ctx, rq.caller, id)
	if err != nil {
		return nil, err
	}
	tf, err := c.terraformStates(ctx, rq.caller, id)
	if err != nil {
		return nil, err
	}
	sv := &storeView{Store: st, Locked: !rq.caller.Role().CanWriteConnectors()}
	for _, m := range st.RequiredMethods {
		row := &methodRow{Method: m, Terraform: tf[m]}
		for i := range saved {
			if saved[i].Method == m {
				row.Connector = &saved[i]
			}
		}
		if row.Connector != nil {
			row.Input = jwo.ConnectorInput{EndpointURL: row.Connector.EndpointURL, EndpointType: row.Connector.EndpointType}
			row.Version = row.Connector.Version
		} else {
			row.Input.EndpointType = jwo.EndpointPublic
		}
		row.Editing = m == edit && !sv.Locked
		if m == jwo.MethodOrdering {
			var next string
			row.Catalog, next, err = c.svc.Catalog(ctx, rq.caller, id, "", catalogChoice, "")
			if err != nil {
				return nil, err
			}
			row.CatalogMore = next != ""
		}
		sv.Rows = append(sv.Rows, row)
	}
	var h health
	for _, row := range sv.Rows {
		if row.Connector != nil {
			h.add(row.Connector.ConnectivityStatus)
		}
		if row.Terraform.Managed {
			sv.Managed = append(sv.Managed, methodLabel(row.Method))
			if !row.Terraform.LastChange {
				sv.Drifted = append(sv.Drifted, methodLabel(row.Method))
			}
		}
	}
	sv.Completion = completionSentence(st, h)
	return sv, nil
}

func (sv *storeView) row(m jwo.Method) *methodRow {
	for _, row := range sv.Rows {
		if row.Method == m {
			return row
		}
	}
	return nil
}

func (c *Console) renderStore(w http.ResponseWriter, r *http.Request, rq request, status int, sv *storeView, problem string) {
	v := c.base(rq, sv.Store.Name+" - Connector Configurations", problem)
	v.Page = sv
	c.render(w, status, "store", v)
}

func (c *Console) storePage(w http.ResponseWriter, r *http.Request, rq request) {
	q := r.URL.Query()
	edit, _ := jwo.ParseMethod(q.Get("edit"))
	sv, err := c.loadStoreView(r.Context(), rq, r.PathValue("store_id"), edit)
	if err != nil {
		c.problem(w, r, rq, err)
		return
	}
	if m, err := jwo.ParseMethod(q.Get("saved")); err == nil && sv.row(m) != nil {
		sv.Saved = string(m)
		sv.Flash = methodLabel(m) + " connector saved. Its status is Untested until a test runs against the new endpoint."
	}
	c.renderStore(w, r, rq, http.StatusOK, sv, "")
}

// saveConnector is the Save of the pencil's form. The form carries the
// version it was opened at, sent as If-Match: a change someone else saved
// meanwhile is shown, never overwritten.
func (c *Console) saveConnector(w http.ResponseWriter, r *http.Request, rq request) {
	ctx := r.Context()
	id := r.PathValue("store_id")
	m, ok := parseMethod(r)
	if !ok {
		c.notFound(w, r)
		return
	}
	in := jwo.ConnectorInput{
		EndpointURL:  strings.TrimSpace(r.PostForm.Get("endpoint_url")),
		EndpointType: jwo.EndpointType(r.PostForm.Get("endpoint_type")),
	}
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	pre := portal.OnlyIfAbsent()
	if version > 0 {
		pre = portal.OnlyIfVersion(version)
	}
	_, _, err := c.svc.PutConnector(ctx, rq.caller, id, m, in, pre)
	if err == nil {
		http.Redirect(w, r, "/console/stores/"+url.PathEscape(id)+"?saved="+m.PathSegment()+"#"+m.PathSegment(), http.StatusSeeOther)
		return
	}
	sv, p, ok := c.refused(w, r, rq, err, id, m)
	if !ok {
		return
	}
	row := sv.row(m)
	if row == nil || !row.Editing {
		// Not applicable to the store, or a role that may only read.
		c.renderStore(w, r, rq, p.Status, sv, p.Detail)
		return
	}
	row.Input = in
	switch {
	case p.Status == http.StatusPreconditionFailed:
		// The row now holds the connector as saved by someone else; the
		// form keeps what this user typed, based on the version now saved,
		// so that a second Save is a decision made having seen theirs.
		row.Conflict = true
		row.Problem = "Someone else changed this connector while you were editing it; your change was not saved. " +
			"The saved values are shown above the form: check them, then save again or cancel."
	case len(p.Fields) > 0:
		row.Version = version
		row.FieldErrors = map[string]string{}
		for _, fe := range p.Fields {
			if fe.Field == "endpoint_url" || fe.Field == "endpoint_type" {
				row.FieldErrors[fe.Field] = fe.Message
			} else {
				row.Problem = fe.Error()
			}
		}
	default:
		row.Version = version
		row.Problem = p.Detail
	}
	c.renderStore(w, r, rq, p.Status, sv, "")
}

// refused reads the store page again after the service refused a form:
// the refusal in the portal's words and the page as it now stands. It
// answers itself (ok false) when there is no such page to show.
func (c *Console) refused(w http.ResponseWriter, r *http.Request, rq request, err error, id string, edit jwo.Method) (*storeView, refusal, bool) {
	p, ok := refusalOf(err)
	if !ok {
		c.fault(w, r, err)
		return nil, p, false
	}
	sv, lerr := c.loadStoreView(r.Context(), rq, id, edit)
	if lerr != nil {
		c.problem(w, r, rq, lerr)
		return nil, p, false
	}
	return sv, p, true
}

// runTest is Run Test: a run against the saved endpoint, whatever the
// pencil's form holds.
func (c *Console) runTest(w http.ResponseWriter, r *http.Request, rq request) {
	ctx := r.Context()
	id := r.PathValue("store_id")
	m, ok := parseMethod(r)
	if !ok {
		c.notFound(w, r)
		return
	}
	sku := strings.TrimSpace(r.PostForm.Get("sku"))
	run, err := c.svc.StartTest(ctx, rq.caller, id, m, jwo.TestInput{SKU: sku, Suite: r.PostForm.Get("suite")}, "")
	if err == nil {
		http.Redirect(w, r, detailsPath(id, m)+"?started="+url.QueryEscape(run.ID), http.StatusSeeOther)
		return
	}
	sv, p, ok := c.refused(w, r, rq, err, id, "")
	if !ok {
		return
	}
	row := sv.row(m)
	if row == nil {
		c.renderStore(w, r, rq, p.Status, sv, p.Detail)
		return
	}
	row.SKU = sku
	if len(p.Fields) > 0 && p.Fields[0].Field == "sku" {
		row.SKUError = p.Fields[0].Message
	} else {
		row.Problem = p.Detail
	}
	c.renderStore(w, r, rq, p.Status, sv, "")
}

func detailsPath(storeID string, m jwo.Method) string {
	return "/console/stores/" + url.PathEscape(storeID) + "/connectors/" + m.PathSegment()
}

type detailsView struct {
	Store     jwo.Store
	Method    jwo.Method
	Connector *jwo.Connector
	Last      *jwo.ConnectivityTest
	History   []jwo.ConnectivityTest
	Running   bool
	Started   bool
	Terraform terraformState
	Locked    bool
	Catalog   []jwo.CatalogItem // ORDERING: the SKUs a test may use
	More      bool              // the catalog holds more: the SKU is typed
}

// details is View Details: the connector, its last run and the history.
func (c *Console) details(w http.ResponseWriter, r *http.Request, rq request) {
	ctx := r.Context()
	id := r.PathValue("store_id")
	m, ok := parseMethod(r)
	if !ok {
		c.notFound(w, r)
		return
	}
	st, err := c.svc.Store(ctx, rq.caller, id)
	if err != nil {
		c.problem(w, r, rq, err)
		return
	}
	dv := &detailsView{Store: st, Method: m, Locked: !rq.caller.Role().CanWriteConnectors(),
		Started: r.URL.Query().Get("started") != ""}
	if conn, err := c.svc.Connector(ctx, rq.caller, id, m); err == nil {
		dv.Connector = &conn
	} else if p, ok := refusalOf(err); !ok || p.Status != http.StatusNotFound {
		c.problem(w, r, rq, err)
		return
	}
	if dv.History, err = c.svc.Tests(ctx, rq.caller, id, m, historyLength); err != nil {
		c.problem(w, r, rq, err)
		return
	}
	if len(dv.History) > 0 {
		dv.Last = &dv.History[0]
		dv.Running = dv.Last.Status == jwo.TestRunning
	}
	tf, err := c.terraformStates(ctx, rq.caller, id)
	if err != nil {
		c.problem(w, r, rq, err)
		return
	}
	dv.Terraform = tf[m]
	if m == jwo.MethodOrdering && dv.Connector != nil && !dv.Locked {
		var next string
		if dv.Catalog, next, err = c.svc.Catalog(ctx, rq.caller, id, "", catalogChoice, ""); err != nil {
			c.problem(w, r, rq, err)
			return
		}
		dv.More = next != ""
	}
	v := c.base(rq, methodLabel(m)+" connector of "+st.Name, "")
	v.Page = dv
	c.render(w, http.StatusOK, "details", v)
}
