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
	tp := consoleWithOrdering(t)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	form := a.Get(storePath + "?edit=ordering")
	if !form.Has(`id="ordering-endpoint_url"`) || !form.Has(`name="version" value="1"`) || !form.Has("change management process") {
		t.Fatalf("the pencil's form is missing its inputs, version or warning:\n%s", form.Body)
	}
	p := a.Post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if p.Status != http.StatusOK || !p.Has("Ordering connector saved") || !p.Has(`id="ordering-status">Untested`) {
		t.Fatalf("save: status %d at %s\n%s", p.Status, p.URL, p.Body)
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
	a.SignIn(tp.OperatorToken)
	if p := a.Get(storePath + "?edit=loyalty"); !p.Has(`name="version" value="0"`) {
		t.Fatalf("a new connector's form is not based on version 0")
	}
	p := a.Post(storePath+"/connectors/loyalty", url.Values{"endpoint_url": {publicURL}, "endpoint_type": {"PUBLIC"}, "version": {"0"}})
	if p.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.Status, p.Body)
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodLoyalty); got.Version != 1 || got.EndpointURL != publicURL {
		t.Fatalf("created %+v", got)
	}
}

func TestCancelWritesNothing(t *testing.T) {
	t.Parallel()
	tp := consoleWithOrdering(t)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	before := len(auditEvents(t, tp.Viewer))
	form := a.Get(storePath + "?edit=ordering")
	cancel := `id="ordering-cancel" href="` + storePath + `#ordering"`
	if !form.Has(cancel) {
		t.Fatalf("no Cancel link %s in\n%s", cancel, form.Body)
	}
	if p := a.Get(storePath + "#ordering"); p.Has(`id="ordering-form"`) {
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
	a.SignIn(tp.OperatorToken)
	for _, tc := range []struct {
		name, url, typ, field, words string
	}{
		{"vpce host with Public", vpceURL, "PUBLIC", "endpoint_type", "PRIVATE"},
		{"not a URL", "not a url", "PUBLIC", "endpoint_url", "not an absolute https URL"},
	} {
		a.Get(storePath + "?edit=ordering")
		p := a.Post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {tc.url}, "endpoint_type": {tc.typ}, "version": {"0"}})
		errID := `id="ordering-` + tc.field + `-error">`
		i := strings.Index(p.Body, errID)
		if p.Status != http.StatusUnprocessableEntity || i < 0 {
			t.Errorf("%s: status %d, no %s\n%s", tc.name, p.Status, errID, p.Body)
			continue
		}
		msg := p.Body[i+len(errID):]
		msg = msg[:strings.Index(msg, "</p>")]
		if !strings.Contains(msg, tc.words) {
			t.Errorf("%s: message %q", tc.name, msg)
		}
		// The form keeps what was typed and says which input is wrong.
		if !p.Has(`aria-invalid="true"`) || !p.Has(`value="`+tc.url+`"`) {
			t.Errorf("%s: the form lost the input or the invalid mark", tc.name)
		}
	}
	if _, err := tp.Viewer.GetConnector(context.Background(), portaltest.StoreJWO, jwo.MethodOrdering); err == nil {
		t.Fatal("an invalid form saved a connector")
	}
}

func TestAConcurrentChangeIsShownNotOverwritten(t *testing.T) {
	t.Parallel()
	tp := consoleWithOrdering(t)
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	a.Get(storePath + "?edit=ordering") // opened at version 1
	theirs := "https://their0000a.execute-api.us-east-1.amazonaws.com/theirs"
	putConnector(t, tp.Admin, portaltest.StoreJWO, jwo.MethodOrdering, theirs)
	p := a.Post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if p.Status != http.StatusPreconditionFailed || !p.Has("Someone else changed this connector") || !p.Has(`id="ordering-url">`+theirs) {
		t.Fatalf("status %d\n%s", p.Status, p.Body)
	}
	if !p.Has(`value="`+otherURL+`"`) || !p.Has(`name="version" value="2"`) {
		t.Error("the form does not keep the user's input on top of the version now saved")
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.EndpointURL != theirs || got.Version != 2 {
		t.Fatalf("their change was overwritten: %+v", got)
	}
}

func TestViewerSeesNoPencilAndNoRunTest(t *testing.T) {
	t.Parallel()
	tp := consoleWithOrdering(t)
	a := newAgent(t, tp)
	a.SignIn(tp.ViewerToken)
	p := a.Get(storePath + "?edit=ordering")
	for _, s := range []string{`class="pencil"`, `-run-test"`, `id="ordering-form"`, `-test-form"`} {
		if p.Has(s) {
			t.Errorf("a viewer's page has %s", s)
		}
	}
	if !p.Has(`id="ordering-details"`) {
		t.Error("a viewer cannot open View Details")
	}
	// A viewer who sends the form anyway is refused in the portal's words.
	w := a.Post(storePath+"/connectors/ordering", url.Values{"endpoint_url": {otherURL}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	if w.Status != http.StatusForbidden || !w.Has("may read only") {
		t.Fatalf("viewer save: status %d\n%s", w.Status, w.Body)
	}
	if got := connectorOf(t, tp.Viewer, portaltest.StoreJWO, jwo.MethodOrdering); got.Version != 1 {
		t.Fatal("a viewer's form was saved")
	}
}

func TestAnotherMerchantsStoreIsNotFound(t *testing.T) {
	t.Parallel()
	tp := startConsole(t, console.Options{})
	a := newAgent(t, tp)
	a.SignIn(tp.OperatorToken)
	if p := a.Get("/console/stores/" + portaltest.StoreOther); p.Status != http.StatusNotFound {
		t.Fatalf("another merchant's store: status %d", p.Status)
	}
}
