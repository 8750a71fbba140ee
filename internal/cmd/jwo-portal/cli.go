package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Exit codes: 2 for a command line that cannot run, 1 for a run that failed.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// runFunc is one subcommand: it parses its own args and returns flag.ErrHelp
// after printing its usage, a *usageError for a bad command line, or the
// error of the run.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

var commands = map[string]runFunc{
	"serve":       runServe,
	"connector":   runConnector,
	"token":       runToken,
	"seed":        runSeed,
	"migrate":     runMigrate,
	"conformance": runConformance,
	"trust":       runTrust,
}

const mainUsage = `jwo-portal runs the reference Portal API v1 service and its helpers.

Usage:
  jwo-portal serve     --addr 127.0.0.1:8787 --db PATH|URL [--dev] [--seed FILE]
  jwo-portal connector --addr 127.0.0.1:8788 [--latency DURATION] [--fail METHOD=STATUS]... [--violate CASE_ID]...
  jwo-portal token create --db PATH|URL --merchant ID --role viewer|operator|admin --name NAME [--expires-in DURATION]
  jwo-portal token list   --db PATH|URL [--merchant ID]
  jwo-portal token revoke --db PATH|URL --id TOKEN_ID
  jwo-portal seed      --db PATH|URL FILE
  jwo-portal migrate   --db PATH|URL
  jwo-portal conformance --url URL --method METHOD [--sku SKU] [--store-id ID] [--timeout D] [--json]
  jwo-portal trust create --db PATH|URL --merchant ID --name NAME --issuer URL --audience AUD --subject PATTERN --role ROLE [--claim NAME=PATTERN]... [--max-ttl D]
  jwo-portal trust list   --db PATH|URL [--merchant ID]
  jwo-portal trust delete --db PATH|URL --id POLICY_ID

Commands:
  serve      serve the Portal API over HTTP until SIGINT or SIGTERM
  connector  serve a sample retailer connector (the four calls Amazon makes)
  token      create, list and revoke API tokens (never showing a secret again)
  seed       load merchants, stores and catalog items from a YAML or JSON file
  migrate    apply the database's schema migrations and exit
  conformance  run the CONFORMANCE suite of one method against a connector URL
  trust      trust policies: which CI runs' OpenID Connect tokens become short-lived tokens

--db (or JWO_PORTAL_DB) is a SQLite file path or a postgres:// URL.

Run 'jwo-portal COMMAND --help' for the options of a command.
`

// cli runs one command line and returns the process exit code.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		_, _ = fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(rest) > 0 {
			// "jwo-portal help serve" is "jwo-portal serve --help".
			return cli(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		_, _ = fmt.Fprint(stdout, mainUsage)
		return exitOK
	}
	run, ok := commands[name]
	if !ok {
		return report(stderr, "", &usageError{
			msg: fmt.Sprintf("unknown command %q: use serve, connector, token, seed, migrate, conformance or trust", name),
		})
	}
	return report(stderr, name, run(ctx, rest, stdout, stderr))
}

// report writes err the way its kind calls for and returns the exit code.
func report(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		_, _ = fmt.Fprintf(stderr, "%s: %s\n", prog(ue.cmd), ue.msg)
		_, _ = fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", prog(ue.cmd))
		return exitUsage
	default:
		_, _ = fmt.Fprintf(stderr, "%s: %v\n", prog(name), err)
		return exitFailure
	}
}

func prog(cmd string) string {
	if cmd == "" {
		return "jwo-portal"
	}
	return "jwo-portal " + cmd
}

// usageError is a command line that cannot run: exit 2, with a hint to --help.
type usageError struct {
	cmd string // "serve", "token create", ... ; empty for the top level
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(cmd, format string, a ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, a...)}
}

// command is the flag set of one subcommand and what its --help prints.
type command struct {
	name  string // as in usage errors: "serve", "token create"
	usage string // the synopsis and a sentence on what it does
	fs    *flag.FlagSet
}

func newCommand(name, usage string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package would print its own usage on every error; cli prints
	// one line and a hint instead, and --help prints to stdout.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &command{name: name, usage: usage, fs: fs}
}

// parse parses args, allowing flags after positional arguments (so that
// "seed FILE --db PATH" works) until a "--". It prints the usage to stdout
// and returns flag.ErrHelp for -h or --help.
func (c *command) parse(args []string, stdout io.Writer) ([]string, error) {
	var positional []string
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.printUsage(stdout)
				return nil, flag.ErrHelp
			}
			return nil, usagef(c.name, "%s", flagMessage(err))
		}
		rest := c.fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// noArgs rejects positional arguments for commands that take none.
func (c *command) noArgs(args []string) error {
	if len(args) > 0 {
		return usagef(c.name, "unexpected argument %q: %s takes only flags", args[0], prog(c.name))
	}
	return nil
}

func (c *command) printUsage(w io.Writer) {
	_, _ = fmt.Fprint(w, c.usage)
	_, _ = fmt.Fprintln(w, "\nOptions:")
	c.fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if name != "" {
			left += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		_, _ = fmt.Fprintf(w, "  %-24s %s\n", left, strings.ReplaceAll(usage, "\n", "\n"+strings.Repeat(" ", 27)))
	})
}

// The flag package's errors, rewritten to name flags the way the usage
// does (--name) and to lead with the flag.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	missingValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	badValue      = regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): (.*)$`)
	badBool       = regexp.MustCompile(`^invalid boolean value (".*") for -+([^:]*): .*$`)
)

func flagMessage(err error) string {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + " " + m[1] + ": " + m[3]
	}
	if m := badBool.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + " " + m[1] + ": give the flag alone, or =true or =false"
	}
	return msg
}
