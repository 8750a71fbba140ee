// Package seed reads seed files (YAML, so JSON works too) of merchants,
// stores and catalog items, reporting the line and field of each mistake.
package seed

import (
	"io"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// File is a parsed, validated seed file.
type File struct {
	Merchants []Merchant `yaml:"merchants" json:"merchants"`
}

type Merchant struct {
	ID     string  `yaml:"id" json:"id"`
	Stores []Store `yaml:"stores" json:"stores"`
}

type Store struct {
	jwo.StoreProfile `yaml:",inline"`
	Catalog          []jwo.CatalogItem `yaml:"catalog" json:"catalog"`
}

// Parse reads and validates a seed file; name is used in error messages
// ("seed.yaml:12: stores[0].region: ...").
func Parse(name string, r io.Reader) (File, error) { panic("implemented by the seed owner") }
