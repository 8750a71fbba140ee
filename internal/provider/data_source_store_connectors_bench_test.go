package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// BenchmarkStoreConnectorsDataSource10000 reads jwo_store_connectors over
// 10,000 connectors through the provider server, as a plan would, against
// the real portal in-process (PERFORMANCE.md has the figures).
//
//	go test ./internal/provider -run '^$' -bench StoreConnectorsDataSource10000 -benchtime 3x
func BenchmarkStoreConnectorsDataSource10000(b *testing.B) {
	p, ids := newBenchProvider10000(b)
	block := p.schema.DataSourceSchemas["jwo_store_connectors"].Block
	cpuBefore := processCPU(b)
	for b.Loop() {
		resp, err := p.srv.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
			TypeName: "jwo_store_connectors", Config: p.dynamic(block, nil),
		})
		if err != nil {
			b.Fatal(err)
		}
		failOnDiagnostics(b, "ReadDataSource", resp.Diagnostics)
		if n := listLength(b, block, resp.State, "connectors"); n != len(ids) {
			b.Fatalf("read %d connectors, want %d", n, len(ids))
		}
	}
	b.ReportMetric(float64((processCPU(b)-cpuBefore).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(ids)), "µs/connector")
}

// listLength is the number of elements of the list attribute name of a
// value of the block.
func listLength(b *testing.B, block *tfprotov6.SchemaBlock, dv *tfprotov6.DynamicValue, name string) int {
	v, err := dv.Unmarshal(block.ValueType())
	if err != nil {
		b.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		b.Fatal(err)
	}
	var elems []tftypes.Value
	if err := attrs[name].As(&elems); err != nil {
		b.Fatal(err)
	}
	return len(elems)
}
