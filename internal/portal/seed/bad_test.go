package seed

import (
	"errors"
	"strings"
	"testing"
)

// header and goodStore make a valid file whose store starts on line 4; each
// bad case changes one line of it, so the expected line numbers are easy to
// check by eye.
const header = "merchants:\n  - id: acme\n    stores:\n"

const goodStore = `      - id: acme-sea-01
        name: Acme Seattle 1
        store_type: JWO
        region: us-east-1
        entry_methods: [APP_QR, CREDIT_CARD]
        fraud_and_abuse_strategy: CUSTOMER_MANAGED
        order_delegation: true
        loyalty_program: false
        catalog:
          - {sku: WATER-500, barcode: "036000291452", barcode_type: UPC, name: Still water}
`

// withLine returns the good file with the line starting with old (after
// indentation) replaced by repl.
func withLine(t *testing.T, old, repl string) string {
	t.Helper()
	lines := strings.Split(header+goodStore, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), old) {
			lines[i] = l[:len(l)-len(strings.TrimLeft(l, " "))] + repl
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line starts with %q", old)
	return ""
}

func TestParseBadFiles(t *testing.T) {
	tests := []struct {
		name string
		src  func(t *testing.T) string
		// want is the first error: "file:line: field: " and a part of the message.
		wantWhere string
		wantMsg   string
	}{
		{"region", func(t *testing.T) string { return withLine(t, "region:", "region: x") },
			"seed.yaml:7: merchants[0].stores[0].region: ", `region "x" is not an AWS Region code`},
		{"store id", func(t *testing.T) string { return withLine(t, "- id: acme-sea-01", "- id: acme sea 01") },
			"seed.yaml:4: merchants[0].stores[0].id: ", `store id "acme sea 01" is invalid`},
		{"merchant id", func(t *testing.T) string {
			return strings.Replace(header+goodStore, "id: acme\n", "id: acme/west\n", 1)
		},
			"seed.yaml:2: merchants[0].id: ", `merchant id "acme/west" is invalid: use 1 to 255`},
		{"store type", func(t *testing.T) string { return withLine(t, "store_type:", "store_type: KIOSK") },
			"seed.yaml:6: merchants[0].stores[0].store_type: ", `"KIOSK" is not a store type`},
		{"strategy", func(t *testing.T) string {
			return withLine(t, "fraud_and_abuse_strategy:", "fraud_and_abuse_strategy: customer_managed")
		}, "seed.yaml:9: merchants[0].stores[0].fraud_and_abuse_strategy: ", `"customer_managed" is not a strategy`},
		{"entry method", func(t *testing.T) string { return withLine(t, "entry_methods:", "entry_methods: [APP_QR, FACE]") },
			"seed.yaml:8: merchants[0].stores[0].entry_methods[1]: ", `"FACE" is not an entry method`},
		{"entry method in a block list", func(t *testing.T) string {
			return withLine(t, "entry_methods:", "entry_methods:\n          - APP_QR\n          - APP_QR")
		}, "seed.yaml:10: merchants[0].stores[0].entry_methods[1]: ", "APP_QR is listed twice"},
		{"entry methods not a list", func(t *testing.T) string { return withLine(t, "entry_methods:", "entry_methods: APP_QR") },
			"seed.yaml:8: merchants[0].stores[0].entry_methods: ", `must be a list, got the value "APP_QR"`},
		{"boolean", func(t *testing.T) string { return withLine(t, "order_delegation:", "order_delegation: yes") },
			"seed.yaml:10: merchants[0].stores[0].order_delegation: ", `must be true or false, got "yes"`},
		{"name a mapping", func(t *testing.T) string { return withLine(t, "name: Acme", "name: {en: Acme}") },
			"seed.yaml:5: merchants[0].stores[0].name: ", "must be a string, got a mapping"},
		{"missing name", func(t *testing.T) string { return withLine(t, "name: Acme", "") },
			"seed.yaml:4: merchants[0].stores[0].name: ", "missing: must be 1 to 200 characters, got 0"},
		{"unknown store key", func(t *testing.T) string { return withLine(t, "loyalty_program:", "loyalty: true") },
			"seed.yaml:11: merchants[0].stores[0].loyalty: ", `unknown key: use one of "id", "name"`},
		{"unknown top-level key", func(t *testing.T) string { return "version: 2\n" + header + goodStore },
			"seed.yaml:1: version: ", `unknown key: use one of "merchants"`},
		{"key set twice", func(t *testing.T) string { return withLine(t, "loyalty_program:", "region: us-west-2") },
			"seed.yaml:11: merchants[0].stores[0].region: ", "is set twice (first at line 7)"},
		{"barcode check digit", func(t *testing.T) string {
			return withLine(t, "- {sku: WATER-500", `- {sku: WATER-500, barcode: "036000291453", barcode_type: UPC, name: Still water}`)
		}, "seed.yaml:13: merchants[0].stores[0].catalog[0].barcode: ", "has check digit 3, expected 2"},
		{"barcode type", func(t *testing.T) string {
			return withLine(t, "- {sku: WATER-500", `- {sku: WATER-500, barcode: "036000291452", barcode_type: QR, name: Still water}`)
		}, "seed.yaml:13: merchants[0].stores[0].catalog[0].barcode_type: ", `"QR" is not a barcode type`},
		{"catalog item in block form", func(t *testing.T) string {
			return withLine(t, "- {sku: WATER-500", "- sku: WATER-500\n            barcode: \"036000291452\"\n            barcode_type: UPC\n            name: \"\"")
		}, "seed.yaml:16: merchants[0].stores[0].catalog[0].name: ", "item name must be 1 to 100 characters, got 0"},
		{"unknown catalog key", func(t *testing.T) string {
			return withLine(t, "- {sku: WATER-500", `- {sku: WATER-500, barcode: "036000291452", barcode_type: UPC, name: W, price: 1}`)
		}, "seed.yaml:13: merchants[0].stores[0].catalog[0].price: ", `unknown key: use one of "sku", "barcode", "barcode_type", "name"`},
		{"duplicate SKU", func(t *testing.T) string {
			return header + goodStore + `          - {sku: WATER-500, barcode: "4011", barcode_type: PLU, name: Banana}` + "\n"
		}, "seed.yaml:14: merchants[0].stores[0].catalog[1].sku: ", `SKU "WATER-500" is listed twice in store "acme-sea-01" (first at line 13)`},
		{"duplicate barcode", func(t *testing.T) string {
			return header + goodStore + `          - {sku: WATER-501, barcode: "036000291452", barcode_type: UPC, name: Water}` + "\n"
		}, "seed.yaml:14: merchants[0].stores[0].catalog[1].barcode: ", `barcode "036000291452" is listed twice in store "acme-sea-01" (first at line 13)`},
		{"duplicate store", func(t *testing.T) string { return header + goodStore + goodStore },
			"seed.yaml:14: merchants[0].stores[1].id: ", `store "acme-sea-01" is listed twice in merchant "acme" (first at line 4)`},
		{"duplicate merchant", func(t *testing.T) string { return "merchants:\n  - id: acme\n  - id: beta\n  - id: acme\n" },
			"seed.yaml:4: merchants[2].id: ", `merchant "acme" is listed twice (first at line 2)`},
		{"store not a mapping", func(t *testing.T) string { return header + "      - acme-sea-01\n" },
			"seed.yaml:4: merchants[0].stores[0]: ", `must be a mapping of "id", "name"`},
		{"stores not a list", func(t *testing.T) string { return "merchants:\n  - id: acme\n    stores: {id: s}\n" },
			"seed.yaml:3: merchants[0].stores: ", "must be a list, got a mapping"},
		{"no merchants key", func(t *testing.T) string { return "{}\n" },
			"seed.yaml:1: merchants: ", "missing: the file must list its merchants"},
		{"top level a list", func(t *testing.T) string { return "- id: acme\n" },
			"seed.yaml:1: ", `must be a mapping of "merchants", got a list`},
		{"unquoted colon", func(t *testing.T) string { return withLine(t, "name: Acme", "name: Acme: Seattle") },
			"seed.yaml:5: ", "mapping values are not allowed"},
		{"tab indentation", func(t *testing.T) string { return "merchants:\n\t- id: acme\n" },
			"seed.yaml:2: ", "indent YAML with spaces, not tabs"},
		{"empty", func(t *testing.T) string { return "" },
			"seed.yaml: ", "the file is empty"},
		{"comment only", func(t *testing.T) string { return "# nothing yet\n" },
			"seed.yaml: ", "the file is empty"},
		{"two documents", func(t *testing.T) string { return "merchants: []\n---\nmerchants: []\n" },
			"seed.yaml:2: ", "one YAML document"},
		{"JSON with a bad region", func(t *testing.T) string {
			return `{"merchants": [{"id": "acme", "stores": [
  {"id": "s1", "name": "S", "store_type": "JWO", "region": "Europe",
   "fraud_and_abuse_strategy": "NONE"}]}]}`
		}, "seed.yaml:2: merchants[0].stores[0].region: ", `region "Europe" is not an AWS Region code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parse(t, tt.src(t))
			if err == nil {
				t.Fatalf("no error; parsed %+v", f)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err %T is not seed.Errors: %v", err, err)
			}
			first := errs[0].Error()
			if !strings.HasPrefix(first, tt.wantWhere) || !strings.Contains(first[len(tt.wantWhere):], tt.wantMsg) {
				t.Errorf("first error:\n  %s\nwant it to start %q and contain %q\nall:\n%v", first, tt.wantWhere, tt.wantMsg, err)
			}
		})
	}
}

func TestGoodStoreTemplateIsValid(t *testing.T) {
	if _, err := parse(t, header+goodStore); err != nil {
		t.Fatalf("the template of TestParseBadFiles must be valid: %v", err)
	}
}
