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

// TestEnumListsAndValid: every enum's Valid accepts exactly the values of its
// list (each once), and refuses another spelling, the empty string and junk.
func TestEnumListsAndValid(t *testing.T) {
	type enum struct {
		values []string
		valid  func(string) bool
	}
	enums := map[string]enum{
		"Method":             {Strings(Methods), func(s string) bool { return Method(s).Valid() }},
		"EndpointType":       {Strings(EndpointTypes), func(s string) bool { return EndpointType(s).Valid() }},
		"StoreType":          {Strings(StoreTypes), func(s string) bool { return StoreType(s).Valid() }},
		"EntryMethod":        {Strings(EntryMethods), func(s string) bool { return EntryMethod(s).Valid() }},
		"FraudStrategy":      {Strings(FraudStrategies), func(s string) bool { return FraudStrategy(s).Valid() }},
		"CompletionStatus":   {Strings(CompletionStatuses), func(s string) bool { return CompletionStatus(s).Valid() }},
		"ConnectivityStatus": {Strings(ConnectivityStatuses), func(s string) bool { return ConnectivityStatus(s).Valid() }},
		"TestStatus":         {Strings(TestStatuses), func(s string) bool { return TestStatus(s).Valid() }},
		"FailureReason":      {Strings(FailureReasons), func(s string) bool { return FailureReason(s).Valid() }},
		"AuditAction":        {Strings(AuditActions), func(s string) bool { return AuditAction(s).Valid() }},
		"BarcodeType":        {Strings(BarcodeTypes), func(s string) bool { return BarcodeType(s).Valid() }},
		"Role":               {Strings(Roles), func(s string) bool { return Role(s).Valid() }},
		"Suite":              {Strings(Suites), func(s string) bool { return Suite(s).Valid() }},
		"CaseStatus":         {Strings(CaseStatuses), func(s string) bool { return CaseStatus(s).Valid() }},
	}
	for name, e := range enums {
		if len(e.values) < 2 {
			t.Errorf("%s lists %d values", name, len(e.values))
		}
		seen := map[string]bool{}
		for _, v := range e.values {
			if seen[v] {
				t.Errorf("%s lists %q twice", name, v)
			}
			seen[v] = true
			if !e.valid(v) {
				t.Errorf("%s(%q).Valid() = false for a listed value", name, v)
			}
			if other := swapCase(v); other != v && e.valid(other) {
				t.Errorf("%s(%q).Valid() = true", name, other)
			}
		}
		if e.valid("NOT_A_VALUE") {
			t.Errorf("%s accepts junk", name)
		}
		if e.valid("") != (name == "FailureReason") {
			t.Errorf("%s(\"\").Valid() = %t", name, e.valid(""))
		}
	}
	// The counts the Portal API documents.
	for name, n := range map[string]int{"Method": 4, "ConnectivityStatus": 3, "TestStatus": 3, "FailureReason": 8, "AuditAction": 12, "Role": 3, "Suite": 2, "CaseStatus": 3} {
		if got := len(enums[name].values); got != n {
			t.Errorf("%s lists %d values, want %d", name, got, n)
		}
	}
}

func swapCase(s string) string {
	out := []rune(s)
	for i, r := range out {
		switch {
		case 'a' <= r && r <= 'z':
			out[i] = r - 'a' + 'A'
		case 'A' <= r && r <= 'Z':
			out[i] = r - 'A' + 'a'
		}
	}
	return string(out)
}
