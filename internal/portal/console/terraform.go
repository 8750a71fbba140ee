package console

import (
	"context"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// terraformState is what the audit log says about Terraform and one
// connector since it was last created.
type terraformState struct {
	Managed    bool // Terraform has written it
	LastChange bool // and the latest change came from Terraform
	Actor      string
}

// auditPage is how many audit events one read of the store's log takes.
const auditPage = 1000

// terraformStates reads the store's audit log: a connector is managed by
// Terraform when the provider (by its User-Agent) wrote it since it was
// last created; an edit made elsewhere since is what the next plan shows as
// drift.
func (c *Console) terraformStates(ctx context.Context, caller portal.Caller, storeID string) (map[jwo.Method]terraformState, error) {
	states := map[jwo.Method]terraformState{}
	var after int64
	for {
		events, next, err := c.svc.Audit(ctx, caller, storeID, auditPage, after)
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			if ev.Method == "" {
				continue
			}
			fromTerraform := portal.ActorVia(ev.Actor) == portal.ViaTerraform
			switch ev.Action {
			case jwo.ActionConnectorDelete:
				delete(states, ev.Method)
			case jwo.ActionConnectorCreate, jwo.ActionConnectorUpdate:
				st := states[ev.Method]
				st.Managed = st.Managed || fromTerraform
				st.LastChange = fromTerraform
				st.Actor = ev.Actor
				states[ev.Method] = st
			}
		}
		if next == 0 {
			return states, nil
		}
		after = next
	}
}
