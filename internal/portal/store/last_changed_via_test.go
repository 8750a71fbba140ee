package store

import (
	"fmt"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// rowsBeforeLastChangedVia are what a database at version 6 holds: three
// connectors whose latest writes came through Terraform, the console and
// the plain API, and one whose create came through Terraform but whose
// latest update came through the console.
var rowsBeforeLastChangedVia = func() []string {
	const at = `'2026-01-01T00:00:00.000Z'`
	rows := []string{
		`INSERT INTO merchants (id, created_at, audit_seq) VALUES ('a', ` + at + `, 5)`,
		`INSERT INTO stores (merchant_id, id, name, store_type, region, entry_methods, fraud_and_abuse_strategy, order_delegation, loyalty_program, created_at, updated_at)
			VALUES ('a', 's', 'S', 'JWO', 'us-east-1', '["APP_QR"]', 'CUSTOMER_MANAGED', 1, 1, ` + at + `, ` + at + `)`,
	}
	for _, m := range jwo.Methods {
		rows = append(rows, fmt.Sprintf(`INSERT INTO connectors (merchant_id, store_id, method, uid, endpoint_url, endpoint_type, connectivity_status, version, created_at, updated_at, updated_by)
			VALUES ('a', 's', '%s', 'uid-%s', 'https://a.example/v1', 'PUBLIC', 'UNTESTED', 1, %s, %s, 'otto')`, m, m, at, at))
	}
	for i, ev := range []struct {
		actor, action string
		m             jwo.Method
	}{
		{"otto via terraform", "connector.create", jwo.MethodIdentity},
		{"otto via console", "connector.create", jwo.MethodLoyalty},
		{"otto", "connector.create", jwo.MethodOrdering},
		{"otto via terraform", "connector.create", jwo.MethodFraudAndAbuse},
		{"otto via console", "connector.update", jwo.MethodFraudAndAbuse},
	} {
		rows = append(rows, fmt.Sprintf(`INSERT INTO audit_events (merchant_id, seq, at, actor, action, store_id, method) VALUES ('a', %d, %s, '%s', '%s', 's', '%s')`,
			i+1, at, ev.actor, ev.action, ev.m))
	}
	return rows
}()

// Migration 0007 gives each connector saved before it the source its audit
// log names for its latest create or update.
func TestMigrationReadsLastChangedViaFromTheAuditLog(t *testing.T) {
	t.Parallel()
	want := map[jwo.Method]jwo.ChangeSource{
		jwo.MethodIdentity: jwo.ChangedViaTerraform, jwo.MethodLoyalty: jwo.ChangedViaConsole,
		jwo.MethodOrdering: jwo.ChangedViaAPI, jwo.MethodFraudAndAbuse: jwo.ChangedViaConsole,
	}
	check := func(t *testing.T, location string) {
		db := openAt(t, location)
		err := db.Read(t.Context(), func(tx *Tx) error {
			cs, err := tx.Connectors(t.Context(), "a", "s")
			if len(cs) != len(want) {
				t.Errorf("%d connectors after the migration, want %d", len(cs), len(want))
			}
			for _, c := range cs {
				if c.LastChangedVia != want[c.Method] {
					t.Errorf("%s: last_changed_via %q, want %q", c.Method, c.LastChangedVia, want[c.Method])
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			t.Parallel()
			check(t, oldDatabase(t, pg, 6, rowsBeforeLastChangedVia))
		})
	}
}
