package jwo

import "testing"

func TestParseMethod(t *testing.T) {
	for in, want := range map[string]Method{"IDENTITY": MethodIdentity, "ordering": MethodOrdering, "Fraud_And_Abuse": MethodFraudAndAbuse, "loyalty": MethodLoyalty} {
		got, err := ParseMethod(in)
		if err != nil || got != want {
			t.Errorf("ParseMethod(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "FRAUD", "payments", "fraudandabuse"} {
		if _, err := ParseMethod(in); err == nil {
			t.Errorf("ParseMethod(%q) accepted", in)
		}
	}
}

func TestMethodPaths(t *testing.T) {
	want := map[Method]string{
		MethodIdentity:      "/v1/identity/identity-keys",
		MethodLoyalty:       "/v1/identity/scan",
		MethodOrdering:      "/v1/order/purchases",
		MethodFraudAndAbuse: "/v1/fraudandabuse/shopperauthorization",
	}
	for m, p := range want {
		if m.CallPath() != p {
			t.Errorf("%s path = %q, want %q", m, m.CallPath(), p)
		}
	}
	if MethodFraudAndAbuse.PathSegment() != "fraud_and_abuse" {
		t.Errorf("segment = %q", MethodFraudAndAbuse.PathSegment())
	}
	if MethodOrdering.SuccessStatus() != 201 || MethodIdentity.SuccessStatus() != 200 {
		t.Error("Ordering answers 201, the others 200")
	}
}

func TestEndpointTypeForAPIGateway(t *testing.T) {
	for in, want := range map[string]EndpointType{"EDGE": EndpointPublic, "REGIONAL": EndpointPublic, "PRIVATE": EndpointPrivate, "regional": EndpointPublic} {
		got, err := EndpointTypeForAPIGateway(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "PUBLIC", "HTTP"} {
		if _, err := EndpointTypeForAPIGateway(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role                Role
		writeConn, administ bool
	}{
		{RoleViewer, false, false},
		{RoleOperator, true, false},
		{RoleAdmin, true, true},
	}
	for _, tt := range tests {
		if tt.role.CanWriteConnectors() != tt.writeConn || tt.role.CanAdminister() != tt.administ {
			t.Errorf("%s permissions wrong", tt.role)
		}
		if r, err := ParseRole(string(tt.role)); err != nil || r != tt.role {
			t.Errorf("ParseRole(%s) = %v, %v", tt.role, r, err)
		}
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("unknown role accepted")
	}
}

func TestEnumValidity(t *testing.T) {
	for _, m := range Methods {
		if !m.Valid() {
			t.Errorf("%s", m)
		}
	}
	for _, v := range []bool{Method("X").Valid(), EndpointType("public").Valid(), StoreType("jwo").Valid(), EntryMethod("FACE").Valid(), FraudStrategy("").Valid(), CompletionStatus("DONE").Valid()} {
		if v {
			t.Error("an invalid enum value was accepted")
		}
	}
	if !TestSuccessful.Finished() || !TestUnsuccessful.Finished() || TestRunning.Finished() {
		t.Error("Finished is wrong")
	}
	if !FraudAmazonRecommendation.NeedsConnector() || FraudNone.NeedsConnector() {
		t.Error("NeedsConnector is wrong")
	}
}
