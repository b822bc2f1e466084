// Command baseline is the floor the benchmarks measure `reconi serve`
// against: a bare net/http server that answers GET /v1/applications and
// GET /v1/applications/{id} with the same JSON reconi answered, but with no
// token check, no database and no request log.
//
//	go run ./bench/baseline -json applications.json [-one application.json] [-raw] -addr 127.0.0.1:0
//
// -json is what reconi serve answered to GET /v1/applications (a JSON array
// of application summaries, or a page object), -one what it answered to GET
// /v1/applications/{id} (served for every id). By default each is decoded
// into reconi's own type once and encoded on every request, as reconi's
// httpapi does; with -raw the file's bytes are written as they are (the
// lowest floor: no encoding at all). The address it listens on is printed on
// stdout.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

func main() {
	list := flag.String("json", "", "`file` with the answer of reconi's GET /v1/applications")
	one := flag.String("one", "", "`file` with the answer of reconi's GET /v1/applications/{id} (optional)")
	raw := flag.Bool("raw", false, "write the files' bytes as they are instead of encoding on every request")
	addr := flag.String("addr", "127.0.0.1:0", "`address` to listen on (loopback)")
	flag.Parse()
	if err := run(*list, *one, *raw, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(list, one string, raw bool, addr string) error {
	mux := http.NewServeMux()
	// The list is an array (older servers) or a page object.
	var apps any = &[]reconi.ApplicationSummary{}
	if b, err := os.ReadFile(list); err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		apps = &reconi.ApplicationPage{}
	}
	h, err := handler(list, apps, raw)
	if err != nil {
		return err
	}
	mux.Handle("GET /v1/applications", h)
	if one != "" {
		h, err := handler(one, &reconi.Application{}, raw)
		if err != nil {
			return err
		}
		mux.Handle("GET /v1/applications/{id}", h)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}

// handler answers with file's JSON: decoded into v once and encoded on
// every request, or, raw, the bytes as they are.
func handler(file string, v any, raw bool) (http.Handler, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := b
		if !raw {
			// As reconi's httpapi writes every answer: encoded into a
			// buffer without HTML escaping, then sent.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			out = buf.Bytes()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	}), nil
}
