package main

import (
	"os"
	"testing"
)

func TestSilenceUnreadLogs(t *testing.T) {
	for _, tc := range []struct {
		name          string
		env           map[string]string
		sdk, provider string // "" = unset afterwards
	}{
		{"nothing set: Terraform discards provider logs", nil, "OFF", "OFF"},
		{"TF_LOG shows them", map[string]string{"TF_LOG": "DEBUG"}, "", ""},
		{"TF_LOG_PROVIDER shows them", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, "", ""},
		{"an explicit SDK level is kept", map[string]string{"TF_LOG_SDK": "TRACE"}, "TRACE", "OFF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_PROVIDER_JWO"} {
				t.Setenv(k, "") // restored after the test
				_ = os.Unsetenv(k)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			silenceUnreadLogs()
			if got := os.Getenv("TF_LOG_SDK"); got != tc.sdk {
				t.Errorf("TF_LOG_SDK = %q, want %q", got, tc.sdk)
			}
			if got := os.Getenv("TF_LOG_PROVIDER_JWO"); got != tc.provider {
				t.Errorf("TF_LOG_PROVIDER_JWO = %q, want %q", got, tc.provider)
			}
		})
	}
}
