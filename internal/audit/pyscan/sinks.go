package pyscan

import (
	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/pytok"
	"github.com/berth-dev/berth/internal/audit/shscan"
)

// sink describes a function that runs a command.
type sink struct {
	// argv: the positional arguments are the words (create_subprocess_exec).
	argv bool
	// shell: a string argument is a shell line even without shell=True.
	shell bool
	// timeoutKw: the call takes timeout=; without it nothing bounds it.
	timeoutKw bool
	// timeout applies when there is no timeout keyword to look at.
	timeout fact.Timeout
}

// sinks are the process-running functions, by canonical name.
var sinks = map[string]sink{
	"subprocess.run":                  {timeoutKw: true},
	"subprocess.call":                 {timeoutKw: true},
	"subprocess.check_call":           {timeoutKw: true},
	"subprocess.check_output":         {timeoutKw: true},
	"subprocess.getoutput":            {shell: true, timeout: fact.TimeoutNone},
	"subprocess.getstatusoutput":      {shell: true, timeout: fact.TimeoutNone},
	"subprocess.Popen":                {timeout: fact.TimeoutNA}, // its wait/communicate may bound it
	"os.system":                       {shell: true, timeout: fact.TimeoutNone},
	"os.popen":                        {shell: true, timeout: fact.TimeoutNone},
	"asyncio.create_subprocess_exec":  {argv: true, timeout: fact.TimeoutNA},
	"asyncio.create_subprocess_shell": {shell: true, timeout: fact.TimeoutNA},
}

// commands returns the commands a sink call runs: its argument vector,
// or the commands of its shell string (shell=True, os.system) placed at
// the string literal, or the script of "sh -c SCRIPT".
func (f *fileScan) commands(s stmt, c call, sk sink) []fact.Command {
	var v value
	switch {
	case sk.argv:
		v = value{kind: listValue}
		for _, a := range c.args {
			if e := eval(a, s.scope); e.kind == strValue {
				v.words = append(v.words, e.str)
			} else {
				v.words = append(v.words, fact.Unknown)
			}
		}
		v.open = c.star
	case len(c.args) > 0:
		v = eval(c.args[0], s.scope)
	default:
		v = eval(c.kwargs["args"], s.scope)
	}
	timeout := sk.timeout
	if sk.timeoutKw {
		timeout = fact.TimeoutNone
		if t := c.kwargs["timeout"]; len(t) > 0 && !(len(t) == 1 && t[0].IsName("None")) {
			timeout = fact.TimeoutSet
		}
	}
	loc := fact.Loc{File: f.path, Line: c.start.Line, Col: c.start.Col}
	if len(c.args) > 0 {
		loc.Line, loc.Col = c.args[0][0].Line, c.args[0][0].Col
	}
	var cmds []fact.Command
	switch v.kind {
	case listValue:
		argv := v.argv()
		if script, ok := shscan.ShellC(argv); ok {
			cmds = f.shell(script, nil, loc, s)
		} else if len(argv) > 0 {
			cmds = []fact.Command{{Loc: loc, Sink: fact.SinkPython, Args: argv, Ctx: s.ctx}}
		}
	case strValue:
		cmds = f.shell(v.str, v.tok, loc, s)
	}
	for i := range cmds {
		cmds[i].Timeout = timeout
	}
	return cmds
}

// shell scans a shell string run by the statement s; tok, when known,
// is the literal holding it (its position places the commands).
func (f *fileScan) shell(script string, tok *pytok.Token, loc fact.Loc, s stmt) []fact.Command {
	o := shscan.Origin{File: f.path, Line: loc.Line, Col: loc.Col, Sink: fact.SinkPython, Blocks: f.blocks,
		Embedded: &s.ctx, Test: s.ctx.Test}
	if tok != nil {
		o.Line, o.Col = tok.Line, tok.Col+len(tok.Prefix)+1
		if tok.Triple {
			o.Col += 2
		}
	}
	cmds, err := shscan.Script(script, o)
	if err != nil {
		return nil
	}
	return cmds
}
