package console

import (
	"net/http"
	"strconv"
	"time"
)

// The prerequisites wizard of the seeds: three steps with Next, Back and
// Skip, each step its own page (?wizard=N), so that it works without
// JavaScript. Skip is remembered in a cookie of this browser, as the seeds
// ask: the instructions do not appear again until its stored data is cleared.
const (
	wizardCookie = "jwo_wizard"
	wizardSteps  = 3
	wizardMemory = 400 * 24 * time.Hour // the longest a browser keeps a cookie
)

// wizardStep is the step to show on the store list, 0 for none: the one
// asked for, else the first until the wizard is skipped.
func wizardStep(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("wizard")); err == nil && n >= 1 && n <= wizardSteps {
		return n
	}
	if cookieValue(r, wizardCookie) == "skipped" {
		return 0
	}
	return 1
}

// skipWizard remembers Skip (a GET: it changes nothing but this browser's
// own cookie) and shows the list without the wizard.
func (c *Console) skipWizard(w http.ResponseWriter, r *http.Request, _ request) {
	http.SetCookie(w, cookie(r, wizardCookie, "skipped", wizardMemory))
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}
