package apitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// policyBody is a trust policy for GitHub Actions' applies from main of
// acme/infra, with fields replaced by change.
func policyBody(t *testing.T, change func(map[string]any)) []byte {
	t.Helper()
	p := map[string]any{
		"name": "main-apply", "issuer": "https://token.actions.githubusercontent.com", "audience": "jwo",
		"subject": "repo:acme/infra:ref:refs/heads/main", "claims": map[string]string{"workflow": "deploy*"},
		"role": "operator", "max_ttl": 900,
	}
	if change != nil {
		change(p)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) trustPolicies(token string) (int, jwo.TrustPolicyList) {
	e.t.Helper()
	ans, body := e.raw(http.MethodGet, "/v1/trust-policies", token, nil)
	var list jwo.TrustPolicyList
	if ans.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &list); err != nil {
			e.t.Fatal(err)
		}
	}
	return ans.StatusCode, list
}

// An admin creates, lists and deletes trust policies; below admin every
// call is 403, another merchant's policy is 404 and not listed, a bad field
// is 422 naming it, and creation and deletion are in the audit log.
func TestTrustPolicies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ans, body := e.raw(http.MethodPost, "/v1/trust-policies", e.tp.AdminToken, policyBody(t, nil))
	if ans.StatusCode != http.StatusCreated {
		t.Fatalf("POST /v1/trust-policies: %d %s", ans.StatusCode, body)
	}
	var p jwo.TrustPolicy
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.ID, "tp_") || p.Role != jwo.RoleOperator || p.MaxTTL != 900 || p.Claims["workflow"] != "deploy*" ||
		ans.Header.Get("Location") != "/v1/trust-policies/"+p.ID {
		t.Fatalf("created policy %+v, Location %q", p, ans.Header.Get("Location"))
	}
	if status, list := e.trustPolicies(e.tp.AdminToken); status != http.StatusOK || len(list.TrustPolicies) != 1 || list.TrustPolicies[0].ID != p.ID {
		t.Fatalf("GET /v1/trust-policies: %d %+v", status, list)
	}
	if status, list := e.trustPolicies(e.tp.OtherAdminToken); status != http.StatusOK || len(list.TrustPolicies) != 0 {
		t.Fatalf("globex sees acme's policies: %d %+v", status, list)
	}

	// A second policy of the same name, and fields that break the rules.
	for _, tc := range []struct {
		change func(map[string]any)
		field  string
	}{
		{nil, "name"},
		{func(m map[string]any) { m["name"] = "x"; m["issuer"] = "http://issuer.example" }, "issuer"},
		{func(m map[string]any) { m["name"] = "x"; m["max_ttl"] = 7200 }, "max_ttl"},
		{func(m map[string]any) { m["name"] = "x"; m["role"] = "owner" }, "role"},
		{func(m map[string]any) { m["name"] = "x"; m["subject"] = "*" }, "subject"},
	} {
		ans, body := e.raw(http.MethodPost, "/v1/trust-policies", e.tp.AdminToken, policyBody(t, tc.change))
		var prob jwo.Problem
		_ = json.Unmarshal(body, &prob)
		if ans.StatusCode != http.StatusUnprocessableEntity || len(prob.Errors) == 0 || prob.Errors[0].Field != tc.field {
			t.Errorf("POST with a bad %s: %d %s, want 422 naming it", tc.field, ans.StatusCode, body)
		}
	}
	if ans, body := e.raw(http.MethodPost, "/v1/trust-policies", e.tp.AdminToken, []byte(`{"name":"x","sneaky":1}`)); ans.StatusCode != http.StatusBadRequest {
		t.Errorf("POST with an unknown field: %d %s, want 400", ans.StatusCode, body)
	}

	for _, tok := range []string{e.tp.ViewerToken, e.tp.OperatorToken} {
		if status, _ := e.trustPolicies(tok); status != http.StatusForbidden {
			t.Errorf("GET below admin: %d, want 403", status)
		}
		if ans, _ := e.raw(http.MethodPost, "/v1/trust-policies", tok, policyBody(t, func(m map[string]any) { m["name"] = "mine" })); ans.StatusCode != http.StatusForbidden {
			t.Errorf("POST below admin: %d, want 403", ans.StatusCode)
		}
		// Even a body that cannot be read is refused for the role first.
		if ans, _ := e.raw(http.MethodPost, "/v1/trust-policies", tok, []byte(`{`)); ans.StatusCode != http.StatusForbidden {
			t.Errorf("POST of bad JSON below admin: %d, want 403", ans.StatusCode)
		}
		if ans, _ := e.raw(http.MethodDelete, "/v1/trust-policies/"+p.ID, tok, nil); ans.StatusCode != http.StatusForbidden {
			t.Errorf("DELETE below admin: %d, want 403", ans.StatusCode)
		}
	}
	if ans, body := e.raw(http.MethodDelete, "/v1/trust-policies/"+p.ID, e.tp.OtherAdminToken, nil); ans.StatusCode != http.StatusNotFound {
		t.Errorf("another merchant's DELETE: %d %s, want 404", ans.StatusCode, body)
	}
	if ans, body := e.raw(http.MethodDelete, "/v1/trust-policies/"+p.ID, e.tp.AdminToken, nil); ans.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", ans.StatusCode, body)
	}
	if ans, _ := e.raw(http.MethodDelete, "/v1/trust-policies/"+p.ID, e.tp.AdminToken, nil); ans.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE of a deleted policy: %d, want 404", ans.StatusCode)
	}
	if status, list := e.trustPolicies(e.tp.AdminToken); status != http.StatusOK || len(list.TrustPolicies) != 0 {
		t.Fatalf("after DELETE: %d %+v", status, list)
	}

	_, body = e.raw(http.MethodGet, "/v1/audit-events", e.tp.AdminToken, nil)
	var page jwo.AuditPage
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range page.Events {
		if ev.Action == jwo.ActionTrustPolicyCreate || ev.Action == jwo.ActionTrustPolicyDelete {
			actions = append(actions, string(ev.Action)+" by "+ev.Actor)
		}
	}
	admin := portaltest.TokenName(acme, jwo.RoleAdmin)
	if want := []string{"trust_policy.create by " + admin, "trust_policy.delete by " + admin}; strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Fatalf("audit: %q, want %q", actions, want)
	}
}
