package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

const storePath = "/console/stores/" + portaltest.StoreJWO

func TestSaveWithThePencilWritesOneVersionAsTheConsole(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	form := a.get(storePath + "?edit=ordering")
	if !form.has(`id="ordering-endpoint_url"`) || !form.has(`name="version" value="1"`) || !form.has("change management process") {
		t.Fatalf("the pencil's form is missing its inputs, version or warning:\n%s", form.body)
	}
	p := a.post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if p.status != http.StatusOK || !p.has("Ordering connector saved") || !p.has(`id="ordering-status">Untested`) {
		t.Fatalf("save: status %d at %s\n%s", p.status, p.url, p.body)
	}
	got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering)
	if got.Version != 2 || got.EndpointURL != otherURL || got.ConnectivityStatus != jwo.ConnectivityUntested {
		t.Fatalf("after save: %+v", got)
	}
	evs := auditEvents(t, tp.Viewer)
	last := evs[len(evs)-1]
	if last.Action != jwo.ActionConnectorUpdate || last.Actor != portaltest.TokenName(portaltest.Merchant, jwo.RoleOperator)+" via console" {
		t.Fatalf("last audit event %s by %q", last.Action, last.Actor)
	}
}

func TestSaveCreatesAMissingConnector(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	if p := a.get(storePath + "?edit=loyalty"); !p.has(`name="version" value="0"`) {
		t.Fatalf("a new connector's form is not based on version 0")
	}
	p := a.post(storePath+"/connectors/loyalty", url.Values{"endpoint_url": {publicURL}, "endpoint_type": {"PUBLIC"}, "version": {"0"}})
	if p.status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodLoyalty); got.Version != 1 || got.EndpointURL != publicURL {
		t.Fatalf("created %+v", got)
	}
}

func TestCancelWritesNothing(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	before := len(auditEvents(t, tp.Viewer))
	form := a.get(storePath + "?edit=ordering")
	cancel := `id="ordering-cancel" href="` + storePath + `#ordering"`
	if !form.has(cancel) {
		t.Fatalf("no Cancel link %s in\n%s", cancel, form.body)
	}
	if p := a.get(storePath + "#ordering"); p.has(`id="ordering-form"`) {
		t.Fatal("Cancel leaves the form open")
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.Version != 1 || got.EndpointURL != publicURL {
		t.Fatalf("after Cancel: %+v", got)
	}
	if after := len(auditEvents(t, tp.Viewer)); after != before {
		t.Fatalf("Cancel wrote %d audit events", after-before)
	}
}

func TestFieldErrorsShowBesideTheFieldInThePortalsWords(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	for _, tc := range []struct {
		name, url, typ, field, words string
	}{
		{"vpce host with Public", vpceURL, "PUBLIC", "endpoint_type", "PRIVATE"},
		{"not a URL", "not a url", "PUBLIC", "endpoint_url", "not an absolute https URL"},
	} {
		a.get(storePath + "?edit=ordering")
		p := a.post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {tc.url}, "endpoint_type": {tc.typ}, "version": {"0"}})
		errID := `id="ordering-` + tc.field + `-error">`
		i := strings.Index(p.body, errID)
		if p.status != http.StatusUnprocessableEntity || i < 0 {
			t.Errorf("%s: status %d, no %s\n%s", tc.name, p.status, errID, p.body)
			continue
		}
		msg := p.body[i+len(errID):]
		msg = msg[:strings.Index(msg, "</p>")]
		if !strings.Contains(msg, tc.words) {
			t.Errorf("%s: message %q", tc.name, msg)
		}
		// The form keeps what was typed and says which input is wrong.
		if !p.has(`aria-invalid="true"`) || !p.has(`value="`+tc.url+`"`) {
			t.Errorf("%s: the form lost the input or the invalid mark", tc.name)
		}
	}
	if _, err := tp.Viewer.GetConnector(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering); err == nil {
		t.Fatal("an invalid form saved a connector")
	}
}

func TestAConcurrentChangeIsShownNotOverwritten(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	a.get(storePath + "?edit=ordering") // opened at version 1
	theirs := "https://their0000a.execute-api.us-east-1.amazonaws.com/theirs"
	putConnector(t, tp.Admin, portaltest.StoreJWO, jwo.MethodOrdering, theirs)
	p := a.post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if p.status != http.StatusPreconditionFailed || !p.has("Someone else changed this connector") || !p.has(`id="ordering-url">`+theirs) {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	if !p.has(`value="`+otherURL+`"`) || !p.has(`name="version" value="2"`) {
		t.Error("the form does not keep the user's input on top of the version now saved")
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.EndpointURL != theirs || got.Version != 2 {
		t.Fatalf("their change was overwritten: %+v", got)
	}
}

func TestViewerSeesNoPencilAndNoRunTest(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	a := newAgent(t, tp)
	a.signIn(tp.ViewerToken)
	p := a.get(storePath + "?edit=ordering")
	for _, s := range []string{`class="pencil"`, "Run Test", `id="ordering-form"`} {
		if p.has(s) {
			t.Errorf("a viewer's page has %s", s)
		}
	}
	if !p.has(`id="ordering-details"`) {
		t.Error("a viewer cannot open View Details")
	}
	// A viewer who sends the form anyway is refused in the portal's words.
	w := a.post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if w.status != http.StatusForbidden || !w.has("may read only") {
		t.Fatalf("viewer save: status %d\n%s", w.status, w.body)
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.Version != 1 {
		t.Fatal("a viewer's form was saved")
	}
}

func TestAnotherMerchantsStoreIsNotFound(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.signIn(tp.OperatorToken)
	if p := a.get("/console/stores/" + portaltest.StoreOther); p.status != http.StatusNotFound {
		t.Fatalf("another merchant's store: status %d", p.status)
	}
}
