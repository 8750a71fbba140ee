package portal

import "testing"

// The front end in an audit actor comes from the User-Agent or the console,
// never from the token's name: a name from before jwo.ValidateTokenName
// reserved " via " is quoted, so that ActorVia (which marks a connector as
// managed by Terraform in the console) reads no front end out of it.
func TestActorKeepsTheFrontEndApartFromTheName(t *testing.T) {
	for _, tc := range []struct {
		name, via, actor, front string
	}{
		{"ci", "", "ci", ""},
		{"ci", ViaTerraform, "ci via terraform", ViaTerraform},
		{"alice", ViaConsole, "alice via console", ViaConsole},
		{"ci via terraform", "", `"ci via terraform"`, ""},
		{"ci VIA terraform", ViaConsole, `"ci VIA terraform" via console`, ViaConsole},
	} {
		got := principal{name: tc.name, via: tc.via}.actor()
		if got != tc.actor {
			t.Errorf("actor of %q via %q = %q, want %q", tc.name, tc.via, got, tc.actor)
		}
		if v := ActorVia(got); v != tc.front {
			t.Errorf("ActorVia(%q) = %q, want %q", got, v, tc.front)
		}
	}
}
