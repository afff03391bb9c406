// Package testsvc is the fault-injection service that stands in for every
// service of berth's test stacks. It is one small static program, configured
// by TESTSVC_* environment variables (or the equivalent flags, see [Parse]):
//
//	TESTSVC_PORTS            comma list of ports to listen on (default 8080)
//	TESTSVC_NAME             service name answered by GET /
//	TESTSVC_START_DELAY      listen only after this delay
//	TESTSVC_UNHEALTHY_AFTER  /healthz answers 503 after this time
//	TESTSVC_CRASH_AFTER      exit with TESTSVC_EXIT_CODE after this time
//	TESTSVC_EXIT_CODE        exit code of a crash (default 1)
//	TESTSVC_IGNORE_SIGTERM   "1": ignore SIGTERM (SIGKILL still kills)
//	TESTSVC_HOLD_MB          allocate and touch this many MB at start
//	TESTSVC_LOG              print this line at start
//	TESTSVC_LOG_EVERY        print a numbered line at this interval
//
// Durations take Go syntax ("1.5s", "2m") or plain seconds ("3"); all
// times count from process start.
//
// Every port answers GET /healthz (200 "ok" when healthy, 503 while
// starting or unhealthy), GET / (the service name), POST /unhealthy,
// POST /healthy, POST /crash (exit at once with the exit code) and
// POST /hold?mb=N (hold N more MB), and lets tests look inside the
// container: GET /file?path=P (content, mode, writable), GET /fetch?url=U
// (another service, fetched from here) and GET /tty (is stdin a terminal). "testsvc probe [--port N]" checks
// /healthz on 127.0.0.1 and exits 0 on 200, 1 otherwise: a HEALTHCHECK
// command that needs no shell.
package testsvc
