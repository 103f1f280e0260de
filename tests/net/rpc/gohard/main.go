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
//	gohard jsonnum
//	        reads {"type": T, "json": TEXT} lines on stdin and answers each
//	        with {"err": ..., "value": ...}: what json.Unmarshal of TEXT into
//	        a new T says, and the value decoded, marshalled again.  T is a
//	        Go type: the numeric kinds, []T, map[K]V, any, or Nums.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
	"reflect"
	"strings"
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

// Nums holds every numeric width, for errors that name a struct field.
type Nums struct {
	I   int
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	U   uint
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	UP  uintptr
	F32 float32
	F64 float64
}

var basic = map[string]reflect.Type{
	"int": reflect.TypeOf(int(0)), "int8": reflect.TypeOf(int8(0)),
	"int16": reflect.TypeOf(int16(0)), "int32": reflect.TypeOf(int32(0)),
	"int64": reflect.TypeOf(int64(0)), "uint": reflect.TypeOf(uint(0)),
	"uint8": reflect.TypeOf(uint8(0)), "uint16": reflect.TypeOf(uint16(0)),
	"uint32": reflect.TypeOf(uint32(0)), "uint64": reflect.TypeOf(uint64(0)),
	"uintptr": reflect.TypeOf(uintptr(0)), "float32": reflect.TypeOf(float32(0)),
	"float64": reflect.TypeOf(float64(0)), "string": reflect.TypeOf(""),
	"any": reflect.TypeOf((*any)(nil)).Elem(), "Nums": reflect.TypeOf(Nums{}),
}

// goType parses the type names jsonnum accepts.
func goType(s string) reflect.Type {
	if t, ok := basic[s]; ok {
		return t
	}
	if strings.HasPrefix(s, "[]") {
		return reflect.SliceOf(goType(s[2:]))
	}
	if strings.HasPrefix(s, "map[") {
		end := strings.Index(s, "]")
		return reflect.MapOf(goType(s[4:end]), goType(s[end+1:]))
	}
	fatal(errors.New("unknown type " + s))
	return nil
}

func jsonnum() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	for in.Scan() {
		var c struct{ Type, JSON string }
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fatal(err)
		}
		v := reflect.New(goType(c.Type))
		err := json.Unmarshal([]byte(c.JSON), v.Interface())
		out := map[string]any{"err": errText(err), "value": nil}
		if err == nil {
			b, merr := json.Marshal(v.Elem().Interface())
			if merr != nil {
				out["value"] = "marshal: " + merr.Error()
			} else {
				out["value"] = json.RawMessage(b)
			}
		}
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
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
		fatal(errors.New("usage: gohard serve|unencodable|register|jsonnum ..."))
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "unencodable":
		unencodable(os.Args[2])
	case "register":
		register()
	case "jsonnum":
		jsonnum()
	default:
		fatal(errors.New("unknown mode " + os.Args[1]))
	}
}
