// gohard: Go's own behaviour for the hardening tests of gostd's net/rpc
// (issue 14): what a Go server sends when it cannot encode a reply, what
// a Go client makes of it, and what Go's encoding/json says about numbers.
//
//	gohard serve
//	        a Go server (rpc.Accept on 127.0.0.1) with the Hard service;
//	        prints "LISTENING addr", serves until stdin closes.
//	gohard unencodable ADDR
//	        calls Hard.Hidden (a reply gob cannot encode), then Hard.Echo,
//	        on one connection; prints the two errors as a JSON array.
//	gohard register
//	        registers receivers whose methods Go refuses (unexported argument
//	        or reply types, wrong number of ins) and prints each Register
//	        error, and what calling a refused method of an accepted receiver
//	        says, as one JSON object.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
)

// Hidden has no exported fields: gob sends its definition, then fails.
type Hidden struct{ a int }

type Hard int

func (h *Hard) Hidden(n int, reply *Hidden) error {
	reply.a = n
	return nil
}

func (h *Hard) Echo(n int, reply *int) error {
	*reply = n
	return nil
}

type Args struct{ A int }
type args struct{ A int }
type reply struct{ R int }

type BadArg int

func (b *BadArg) Do(a *args, r *int) error { return nil }

type BadReply int

func (b *BadReply) Do(a *Args, r *reply) error { return nil }

type WrongIns int

func (w *WrongIns) Do(a *Args) error { return nil }

type Mixed int

func (m *Mixed) Good(a *Args, r *int) error { *r = a.A; return nil }
func (m *Mixed) Bad(a *args, r *int) error  { return nil }

func register() {
	out := map[string]any{}
	for name, rcvr := range map[string]any{"BadArg": new(BadArg), "BadReply": new(BadReply),
		"WrongIns": new(WrongIns), "Mixed": new(Mixed)} {
		out[name] = errText(rpc.NewServer().Register(rcvr))
	}
	srv := rpc.NewServer()
	srv.Register(new(Mixed))
	p1, p2 := net.Pipe()
	go srv.ServeConn(p1)
	c := rpc.NewClient(p2)
	var n int
	out["Mixed.Good"] = errText(c.Call("Mixed.Good", &Args{5}, &n))
	out["Mixed.Bad"] = errText(c.Call("Mixed.Bad", &args{5}, &n))
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func serve() {
	srv := rpc.NewServer()
	if err := srv.Register(new(Hard)); err != nil {
		fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	go srv.Accept(l)
	fmt.Println("LISTENING", l.Addr())
	io.Copy(io.Discard, os.Stdin)
}

func errText(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

func unencodable(addr string) {
	c, err := rpc.Dial("tcp", addr)
	if err != nil {
		fatal(err)
	}
	var h Hidden
	err1 := c.Call("Hard.Hidden", 7, &h)
	var n int
	err2 := c.Call("Hard.Echo", 8, &n)
	out, _ := json.Marshal([]any{errText(err1), errText(err2)})
	fmt.Println(string(out))
}

func main() {
	if len(os.Args) < 2 {
		fatal(errors.New("usage: gohard serve|unencodable|register ..."))
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "unencodable":
		unencodable(os.Args[2])
	case "register":
		register()
	default:
		fatal(errors.New("unknown mode " + os.Args[1]))
	}
}
