package jwo

import (
	"testing"
	"time"
)

func TestConnectorSaved(t *testing.T) {
	created := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	later := created.Add(time.Hour)
	const url = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	base := NewConnector("acme-sea-01", MethodOrdering, ConnectorInput{EndpointURL: url, EndpointType: EndpointPublic},
		Change{At: created, By: "otto", Via: ChangedViaTerraform})
	if base.Version != 1 || base.ConnectivityStatus != ConnectivityUntested || base.EndpointURL != url ||
		base.EndpointType != EndpointPublic || base.StoreID != "acme-sea-01" || base.Method != MethodOrdering ||
		!base.CreatedAt.Equal(created) || !base.UpdatedAt.Equal(created) || base.UpdatedBy != "otto" || base.LastChangedVia != ChangedViaTerraform {
		t.Fatalf("NewConnector = %+v", base)
	}
	base.ConnectivityStatus, base.LastTestID = ConnectivitySuccessful, "run-1"

	for _, tc := range []struct {
		name    string
		in      ConnectorInput
		changed bool
	}{
		{"the same", ConnectorInput{EndpointURL: url, EndpointType: EndpointPublic}, false},
		{"upper-case host", ConnectorInput{EndpointURL: "https://ABC123DEFG.execute-api.us-east-1.amazonaws.com/prod", EndpointType: EndpointPublic}, false},
		{"trailing slash", ConnectorInput{EndpointURL: url + "/", EndpointType: EndpointPublic}, false},
		{"another path", ConnectorInput{EndpointURL: url + "2", EndpointType: EndpointPublic}, true},
		{"another path case", ConnectorInput{EndpointURL: "https://abc123defg.execute-api.us-east-1.amazonaws.com/Prod", EndpointType: EndpointPublic}, true},
		{"another type", ConnectorInput{EndpointURL: url, EndpointType: EndpointPrivate}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := base.ChangedBy(tc.in); got != tc.changed {
				t.Errorf("ChangedBy = %t, want %t", got, tc.changed)
			}
			got, changed := base.Saved(tc.in, Change{At: later, By: "ada", Via: ChangedViaConsole})
			if changed != tc.changed {
				t.Errorf("Saved changed = %t, want %t", changed, tc.changed)
			}
			want := base
			if tc.changed {
				want.EndpointURL, want.EndpointType = tc.in.EndpointURL, tc.in.EndpointType
				want.Version, want.ConnectivityStatus = 2, ConnectivityUntested
				want.UpdatedAt, want.UpdatedBy, want.LastChangedVia = later, "ada", ChangedViaConsole
			}
			if got != want {
				t.Errorf("Saved = %+v\nwant    %+v", got, want)
			}
		})
	}
}

func TestETagIsTheQuotedVersion(t *testing.T) {
	for v, want := range map[int64]string{1: `"1"`, 42: `"42"`, 1 << 40: `"1099511627776"`} {
		if got := ETag(v); got != want {
			t.Errorf("ETag(%d) = %s, want %s", v, got, want)
		}
	}
}

func TestCheckTestSKU(t *testing.T) {
	for _, m := range Methods {
		for _, hasSKU := range []bool{false, true} {
			err := CheckTestSKU(m, hasSKU)
			if wantErr := hasSKU != (m == MethodOrdering); (err != nil) != wantErr {
				t.Errorf("CheckTestSKU(%s, %t) = %v, want an error: %t", m, hasSKU, err, wantErr)
			}
		}
		if m.TakesSKU() != (m == MethodOrdering) {
			t.Errorf("%s.TakesSKU() = %t", m, m.TakesSKU())
		}
	}
}

func TestValidateMerchantID(t *testing.T) {
	for id, ok := range map[string]bool{"acme": true, "A_b-9": true, "": false, "acme corp": false, "acme/west": false} {
		err := ValidateMerchantID(id)
		if (err == nil) != ok {
			t.Errorf("ValidateMerchantID(%q) = %v", id, err)
		}
		if err != nil && err.Error() != `merchant id "`+id+`" is invalid: use 1 to 255 letters, digits, '_' or '-'` {
			t.Errorf("message %q", err)
		}
	}
}
