package jwo

import (
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"
)

var skuPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$`)

// ValidateSKU checks a catalog key: 1 to 64 of [0-9A-Za-z._-], starting with a
// letter or digit so that it is safe in a URL path.
func ValidateSKU(sku string) error {
	if !skuPattern.MatchString(sku) {
		return fmt.Errorf("SKU %q is invalid: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", sku)
	}
	return nil
}

// validateItemName checks a catalog item's name: 1 to 100 characters.
func validateItemName(name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("item name is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		return fmt.Errorf("item name must be 1 to 100 characters, got %d", n)
	}
	if err := checkDisplayText(name); err != nil {
		return fmt.Errorf("item name %q %w", name, err)
	}
	return nil
}

// validateBarcode checks the length and, for every type but PLU, the check
// digit. PLU codes (3 to 6 digits) carry no check digit.
func validateBarcode(code string, t BarcodeType) error {
	switch t {
	case BarcodeUPC:
		switch len(code) {
		case 12:
			return gtinCheck(code, t)
		case 8:
			if !allDigits(code) {
				return notDigits(code, t)
			}
			return gtinCheck(expandUPCE(code), t)
		}
		return fmt.Errorf("UPC barcode %q must have 12 digits (UPC-A) or 8 digits (UPC-E), got %d characters", code, len(code))
	case BarcodeEAN8:
		return fixedGTIN(code, t, 8)
	case BarcodeEAN13:
		return fixedGTIN(code, t, 13)
	case BarcodeGTIN14:
		return fixedGTIN(code, t, 14)
	case BarcodeISBN10:
		return isbn10Check(code)
	case BarcodePLU:
		if len(code) < 3 || len(code) > 6 || !allDigits(code) {
			return fmt.Errorf("PLU code %q must be 3 to 6 digits", code)
		}
		return nil
	}
	return fmt.Errorf("%q is not a barcode type: use one of %s", string(t), joinQuoted(BarcodeTypes))
}

// ValidateCatalogItem returns every field error of a catalog item.
func ValidateCatalogItem(item CatalogItem) []FieldError {
	var errs []FieldError
	if err := ValidateSKU(item.SKU); err != nil {
		errs = append(errs, FieldError{Field: "sku", Message: err.Error()})
	}
	if err := validateBarcode(item.Barcode, item.BarcodeType); err != nil {
		field := "barcode"
		if !item.BarcodeType.Valid() {
			field = "barcode_type"
		}
		errs = append(errs, FieldError{Field: field, Message: err.Error()})
	}
	if err := validateItemName(item.Name); err != nil {
		errs = append(errs, FieldError{Field: "name", Message: err.Error()})
	}
	return errs
}

func (t BarcodeType) Valid() bool { return slices.Contains(BarcodeTypes, t) }

func fixedGTIN(code string, t BarcodeType, n int) error {
	if len(code) != n {
		return fmt.Errorf("%s barcode %q must have %d digits, got %d characters", t, code, n, len(code))
	}
	return gtinCheck(code, t)
}

// gtinCheck verifies the GS1 mod-10 check digit: weights 3 and 1 alternate
// from the digit left of the check digit.
func gtinCheck(code string, t BarcodeType) error {
	if !allDigits(code) {
		return notDigits(code, t)
	}
	want := GTINCheckDigit(code[:len(code)-1])
	if got := code[len(code)-1]; got != want {
		return fmt.Errorf("%s barcode %q has check digit %c, expected %c", t, code, got, want)
	}
	return nil
}

// GTINCheckDigit computes the GS1 check digit of the digits before it.
func GTINCheckDigit(body string) byte {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// expandUPCE turns an 8-digit UPC-E code into its 12-digit UPC-A form, whose
// check digit is the one UPC-E carries.
func expandUPCE(e string) string {
	ns, d, check := e[0:1], e[1:7], e[7:8]
	var body string
	switch d[5] {
	case '0', '1', '2':
		body = d[0:2] + d[5:6] + "0000" + d[2:5]
	case '3':
		body = d[0:3] + "00000" + d[3:5]
	case '4':
		body = d[0:4] + "00000" + d[4:5]
	default:
		body = d[0:5] + "0000" + d[5:6]
	}
	return ns + body + check
}

func isbn10Check(code string) error {
	if len(code) != 10 {
		return fmt.Errorf("ISBN10 %q must have 10 characters, got %d", code, len(code))
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := code[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case (c == 'X' || c == 'x') && i == 9:
			v = 10
		default:
			return fmt.Errorf("ISBN10 %q must be 9 digits and a check digit 0-9 or X", code)
		}
		sum += v * (10 - i)
	}
	if sum%11 != 0 {
		return fmt.Errorf("ISBN10 %q has a wrong check digit", code)
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func notDigits(code string, t BarcodeType) error {
	return fmt.Errorf("%s barcode %q must contain digits only", t, code)
}
