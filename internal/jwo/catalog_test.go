package jwo

import (
	"net/url"
	"strings"
	"testing"
)

func TestValidateBarcode(t *testing.T) {
	tests := []struct {
		code string
		typ  BarcodeType
		want string // "" = valid, else a part of the message
	}{
		{"036000291452", BarcodeUPC, ""},
		{"036000291453", BarcodeUPC, "check digit 3, expected 2"},
		{"01234565", BarcodeUPC, ""}, // UPC-E of 012345000065
		{"01234566", BarcodeUPC, "check digit"},
		{"0360002914", BarcodeUPC, "12 digits"},
		{"03600029145A", BarcodeUPC, "digits only"},
		{"96385074", BarcodeEAN8, ""},
		{"96385075", BarcodeEAN8, "check digit"},
		{"9638507", BarcodeEAN8, "8 digits"},
		{"4006381333931", BarcodeEAN13, ""},
		{"4006381333932", BarcodeEAN13, "check digit"},
		{"00012345600012", BarcodeGTIN14, ""},
		{"00012345600013", BarcodeGTIN14, "check digit"},
		{"0306406152", BarcodeISBN10, ""},
		{"080442957X", BarcodeISBN10, ""},
		{"080442957x", BarcodeISBN10, ""},
		{"0306406153", BarcodeISBN10, "check digit"},
		{"X306406152", BarcodeISBN10, "9 digits"},
		{"4011", BarcodePLU, ""},
		{"94011", BarcodePLU, ""},
		{"123", BarcodePLU, ""},
		{"12", BarcodePLU, "3 to 6"},
		{"1234567", BarcodePLU, "3 to 6"},
		{"40a1", BarcodePLU, "3 to 6"},
		{"036000291452", "QR", "not a barcode type"},
	}
	for _, tt := range tests {
		err := validateBarcode(tt.code, tt.typ)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %s: %v", tt.typ, tt.code, err)
		case tt.want != "" && err == nil:
			t.Errorf("%s %s accepted", tt.typ, tt.code)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s %s: %q lacks %q", tt.typ, tt.code, err, tt.want)
		}
	}
}

func TestGTINCheckDigit(t *testing.T) {
	for body, want := range map[string]byte{"03600029145": '2', "400638133393": '1', "9638507": '4', "0001234560001": '2'} {
		if got := GTINCheckDigit(body); got != want {
			t.Errorf("GTINCheckDigit(%s) = %c, want %c", body, got, want)
		}
	}
}

func TestValidateSKU(t *testing.T) {
	for _, s := range []string{"WATER-500", "a", "sku_1.2", strings.Repeat("9", 64)} {
		if err := ValidateSKU(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"", "-lead", ".hidden", "has space", "a/b", strings.Repeat("9", 65), "naïve"} {
		if err := ValidateSKU(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestValidateCatalogItem(t *testing.T) {
	ok := CatalogItem{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: BarcodeUPC, Name: "Still water 500 ml"}
	if errs := ValidateCatalogItem(ok); len(errs) != 0 {
		t.Fatalf("valid item: %v", errs)
	}
	tests := []struct {
		field  string
		mutate func(*CatalogItem)
	}{
		{"sku", func(i *CatalogItem) { i.SKU = "" }},
		{"barcode", func(i *CatalogItem) { i.Barcode = "036000291453" }},
		{"barcode_type", func(i *CatalogItem) { i.BarcodeType = "QR" }},
		{"name", func(i *CatalogItem) { i.Name = "" }},
		{"name", func(i *CatalogItem) { i.Name = strings.Repeat("n", 101) }},
	}
	for _, tt := range tests {
		item := ok
		tt.mutate(&item)
		errs := ValidateCatalogItem(item)
		if len(errs) != 1 || errs[0].Field != tt.field {
			t.Errorf("%s: %v", tt.field, errs)
		}
	}
	if err := validateItemName(strings.Repeat("é", 100)); err != nil {
		t.Errorf("100 two-byte characters are 100 characters: %v", err)
	}
}

func FuzzValidateBarcode(f *testing.F) {
	f.Add("036000291452", "UPC")
	f.Add("01234565", "UPC")
	f.Add("080442957X", "ISBN10")
	f.Add("4011", "PLU")
	f.Fuzz(func(t *testing.T, code, typ string) {
		err := validateBarcode(code, BarcodeType(typ))
		if err == nil && BarcodeType(typ) != BarcodePLU && BarcodeType(typ) != BarcodeISBN10 {
			// Any accepted GS1 code must stop validating when its check digit changes.
			last := code[len(code)-1]
			flipped := code[:len(code)-1] + string('0'+(last-'0'+1)%10)
			if validateBarcode(flipped, BarcodeType(typ)) == nil {
				t.Fatalf("%s %s and %s both valid", typ, code, flipped)
			}
		}
	})
}

// An accepted SKU is safe as a URL path segment unescaped (the portal
// routes on it), has 1 to 64 characters, and makes a valid catalog item.
func FuzzValidateSKU(f *testing.F) {
	f.Add("WATER-500")
	f.Add("a")
	f.Add("../etc")
	f.Fuzz(func(t *testing.T, sku string) {
		if err := ValidateSKU(sku); err != nil {
			if !strings.Contains(err.Error(), "SKU ") {
				t.Fatalf("refusal %q does not name the SKU", err)
			}
			return
		}
		if len(sku) < 1 || len(sku) > 64 {
			t.Fatalf("accepted SKU of %d bytes", len(sku))
		}
		if url.PathEscape(sku) != sku || sku == "." || sku == ".." || strings.ContainsAny(sku, "/?#%") {
			t.Fatalf("accepted SKU %q is not a plain path segment", sku)
		}
		item := CatalogItem{SKU: sku, Barcode: "036000291452", BarcodeType: BarcodeUPC, Name: "Item"}
		if errs := ValidateCatalogItem(item); len(errs) != 0 {
			t.Fatalf("accepted SKU %q makes an invalid item: %v", sku, errs)
		}
	})
}
