// Command goapp is the Go side of the gob interop tests.
//
//	goapp echo          read (name string, value) pairs from stdin, decode each
//	                    value into the Go type called name, re-encode both on a
//	                    fresh Encoder to stdout.
//	goapp gen SEED N    write N random (name, value) pairs for every type.
//	goapp types         print the type names, one per line.
//
// Only the standard library is used.
package main

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

type Args struct{ A, B int }
type Quotient struct{ Quo, Rem int }
type Point struct{ X, Y int }
type Inner struct{ X, Y int }
type Outer struct {
	Name string
	In   Inner
	Tail int
}
type PtrFields struct {
	P *int
	S *string
	Q *Inner
}
type Scalars struct {
	B  bool
	U  uint
	I  int8
	F  float32
	C  complex128
	S  string
	Bs []byte
}
type Node struct {
	Val  int
	Next *Node
}
type Holder struct {
	V interface{}
	N int
}
type Request struct {
	ServiceMethod string
	Seq           uint64
}
type Response struct {
	ServiceMethod string
	Seq           uint64
	Error         string
}
// GE is a GobEncoder struct with exported fields: Go also sends the
// definitions of its field types.
type GE struct {
	X    []int
	Name string
}

func (g GE) GobEncode() ([]byte, error) {
	parts := make([]string, len(g.X))
	for i, x := range g.X {
		parts[i] = strconv.Itoa(x)
	}
	return []byte(strings.Join(parts, ",") + ";" + g.Name), nil
}

func (g *GE) GobDecode(b []byte) error {
	s := string(b)
	i := strings.IndexByte(s, ';')
	if i < 0 {
		return errors.New("bad GE payload")
	}
	g.X = nil
	if i > 0 {
		for _, p := range strings.Split(s[:i], ",") {
			n, err := strconv.Atoi(p)
			if err != nil {
				return err
			}
			g.X = append(g.X, n)
		}
	}
	g.Name = s[i+1:]
	return nil
}

type WithGE struct {
	G   GE
	P   *GE
	Gs  []GE
	N   int
}

type S []S
type M map[string]M
type Box struct {
	V interface{}
}
type Tree struct {
	Name string
	Kids []Tree
}
type Everything struct {
	I8    int8
	I16   int16
	I32   int32
	I64   int64
	I     int
	U8    uint8
	U16   uint16
	U32   uint32
	U64   uint64
	U     uint
	Up    uintptr
	F32   float32
	F64   float64
	C64   complex64
	C128  complex128
	B     bool
	S     string
	Bs    []byte
	Ints  []int
	Strs  []string
	Arr   [3]int
	Bytes [2]uint8
	MSI   map[string]int
	MIS   map[int]string
	PI    *int
	PIn   *Inner
	Ins   []Inner
	PIns  []*Inner
	MIn   map[string]Inner
	V     interface{}
	When  time.Time
	Grid  [2][]string
	Nest  [][]int
	Out   Outer
	MSL   map[string][]int
	F64s  []float64
	Cs    []complex128
	Bools []bool
	U64s  []uint64
}

var types = map[string]reflect.Type{
	"Args":       reflect.TypeOf(Args{}),
	"Quotient":   reflect.TypeOf(Quotient{}),
	"Point":      reflect.TypeOf(Point{}),
	"Outer":      reflect.TypeOf(Outer{}),
	"PtrFields":  reflect.TypeOf(PtrFields{}),
	"Scalars":    reflect.TypeOf(Scalars{}),
	"Node":       reflect.TypeOf(Node{}),
	"Holder":     reflect.TypeOf(Holder{}),
	"Request":    reflect.TypeOf(Request{}),
	"Response":   reflect.TypeOf(Response{}),
	"Tree":       reflect.TypeOf(Tree{}),
	"Box":        reflect.TypeOf(Box{}),
	"S":          reflect.TypeOf(S(nil)),
	"GE":         reflect.TypeOf(GE{}),
	"WithGE":     reflect.TypeOf(WithGE{}),
	"M":          reflect.TypeOf(M(nil)),
	"Everything": reflect.TypeOf(Everything{}),
	"TimeHolder": reflect.TypeOf(struct {
		When time.Time
		N    int
	}{}),
	"Empty":      reflect.TypeOf(struct{}{}),
	"int":        reflect.TypeOf(int(0)),
	"int8":       reflect.TypeOf(int8(0)),
	"uint64":     reflect.TypeOf(uint64(0)),
	"float64":    reflect.TypeOf(float64(0)),
	"float32":    reflect.TypeOf(float32(0)),
	"complex128": reflect.TypeOf(complex128(0)),
	"string":     reflect.TypeOf(""),
	"bool":       reflect.TypeOf(false),
	"bytes":      reflect.TypeOf([]byte(nil)),
	"[]int":      reflect.TypeOf([]int(nil)),
	"[]string":   reflect.TypeOf([]string(nil)),
	"[][]int":    reflect.TypeOf([][]int(nil)),
	"[3]string":  reflect.TypeOf([3]string{}),
	"map[string]int": reflect.TypeOf(map[string]int(nil)),
	"[]Args":     reflect.TypeOf([]Args(nil)),
	"time":       reflect.TypeOf(time.Time{}),
	"any":        reflect.TypeOf((*interface{})(nil)).Elem(),
}

func init() {
	gob.Register(Point{})
	gob.Register(Inner{})
	gob.Register(Args{})
	gob.Register(Box{})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goapp:", err)
	os.Exit(1)
}

func echo() {
	dec := gob.NewDecoder(bufio.NewReader(os.Stdin))
	out := bufio.NewWriter(os.Stdout)
	enc := gob.NewEncoder(out)
	for {
		var name string
		if err := dec.Decode(&name); err != nil {
			if err == io.EOF {
				break
			}
			fail(err)
		}
		t, ok := types[name]
		if !ok {
			fail(fmt.Errorf("unknown type %q", name))
		}
		p := reflect.New(t)
		if err := dec.DecodeValue(p); err != nil {
			fail(fmt.Errorf("decoding %s: %v", name, err))
		}
		if err := enc.Encode(name); err != nil {
			fail(err)
		}
		if err := enc.EncodeValue(p.Elem()); err != nil {
			fail(fmt.Errorf("encoding %s: %v", name, err))
		}
	}
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

type gen struct{ r *rand.Rand }

func (g gen) int64(bits int) int64 {
	switch g.r.Intn(4) {
	case 0:
		return 0
	case 1:
		return int64(g.r.Intn(200)) - 100
	}
	v := g.r.Int63()
	if bits < 64 {
		v = v >> (64 - bits)
	}
	if g.r.Intn(2) == 0 {
		v = -v - 1
	}
	return v
}

func (g gen) uint64(bits int) uint64 {
	switch g.r.Intn(4) {
	case 0:
		return 0
	case 1:
		return uint64(g.r.Intn(300))
	}
	v := g.r.Uint64()
	if bits < 64 {
		v = v >> (64 - bits)
	}
	return v
}

func (g gen) float() float64 {
	switch g.r.Intn(8) {
	case 0:
		return 0
	case 1:
		return math.Inf(1 - 2*g.r.Intn(2))
	case 2:
		return float64(g.r.Intn(100)) / 4
	case 3:
		return math.Float64frombits(g.r.Uint64() &^ (0x7ff << 52))
	}
	return g.r.NormFloat64() * math.Pow(10, float64(g.r.Intn(40)-20))
}

var runes = []rune("aZ09 _-é日本語\u00ff\U0001F600")

func (g gen) str() string {
	n := g.r.Intn(6)
	if g.r.Intn(10) == 0 {
		n = 130
	}
	s := make([]rune, n)
	for i := range s {
		s[i] = runes[g.r.Intn(len(runes))]
	}
	return string(s)
}

// fillElem fills a slice, array or map element: gob cannot send nil
// pointers there, so pointers are always allocated.
func (g gen) fillElem(v reflect.Value, depth int) {
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		g.fillElem(p.Elem(), depth+1)
		v.Set(p)
		return
	}
	g.fill(v, depth)
}

func (g gen) fill(v reflect.Value, depth int) {
	t := v.Type()
	if t == reflect.TypeOf(time.Time{}) {
		if g.r.Intn(4) == 0 {
			return
		}
		sec := g.r.Int63n(253402300799-(-62135596800)) + (-62135596800)
		tm := time.Unix(sec, int64(g.r.Intn(1000000))*1000)
		switch g.r.Intn(3) {
		case 0:
			tm = tm.UTC()
		case 1:
			tm = tm.In(time.FixedZone("", (g.r.Intn(48)-24)*1800))
		default:
			off := g.r.Intn(20000) - 10000
			if off/60 == -1 { // MarshalBinary refuses offsets of -1 minute
				off = 0
			}
			tm = tm.In(time.FixedZone("", off))
		}
		v.Set(reflect.ValueOf(tm))
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(g.r.Intn(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(g.int64(t.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(g.uint64(t.Bits()))
	case reflect.Float32:
		f := g.float()
		if math.Abs(f) > math.MaxFloat32 && !math.IsInf(f, 0) {
			f = 1.5
		}
		v.SetFloat(float64(float32(f)))
	case reflect.Float64:
		v.SetFloat(g.float())
	case reflect.Complex64:
		v.SetComplex(complex128(complex(float32(g.r.Intn(9)), float32(g.r.Intn(9))/8)))
	case reflect.Complex128:
		v.SetComplex(complex(g.float(), g.float()))
	case reflect.String:
		v.SetString(g.str())
	case reflect.Slice:
		n := g.r.Intn(4)
		if depth > 3 {
			n = 0
		}
		if n == 0 {
			return
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			g.fillElem(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			g.fillElem(v.Index(i), depth+1)
		}
	case reflect.Map:
		if g.r.Intn(3) == 0 {
			return
		}
		m := reflect.MakeMap(t)
		if g.r.Intn(2) == 0 && depth < 3 {
			k := reflect.New(t.Key()).Elem()
			e := reflect.New(t.Elem()).Elem()
			g.fillElem(k, depth+1)
			g.fillElem(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		if g.r.Intn(3) == 0 || depth > 4 {
			return
		}
		p := reflect.New(t.Elem())
		g.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				g.fill(v.Field(i), depth+1)
			}
		}
	case reflect.Interface:
		switch g.r.Intn(8) {
		case 6:
			v.Set(reflect.ValueOf(Box{Point{1, int(g.int64(8))}}))
		case 7:
			if depth < 4 {
				b := Box{}
				g.fill(reflect.ValueOf(&b).Elem(), depth+1)
				v.Set(reflect.ValueOf(b))
			}
		case 0:
		case 1:
			v.Set(reflect.ValueOf(Point{int(g.int64(64)), 3}))
		case 2:
			v.Set(reflect.ValueOf(g.int64(64)))
		case 3:
			v.Set(reflect.ValueOf(g.str()))
		case 4:
			v.Set(reflect.ValueOf([]int{int(g.int64(64)), 2}))
		default:
			v.Set(reflect.ValueOf(g.float()))
		}
	}
}

func generate(seed int64, n int) {
	g := gen{rand.New(rand.NewSource(seed))}
	names := make([]string, 0, len(types))
	for name := range types {
		names = append(names, name)
	}
	sort.Strings(names)
	out := bufio.NewWriter(os.Stdout)
	enc := gob.NewEncoder(out)
	for i := 0; i < n; i++ {
		for _, name := range names {
			p := reflect.New(types[name])
			g.fill(p.Elem(), 0)
			if types[name].Kind() == reflect.Interface && p.Elem().IsNil() {
				p.Elem().Set(reflect.ValueOf(Point{1, 2}))
			}
			if err := enc.Encode(name); err != nil {
				fail(err)
			}
			if err := enc.EncodeValue(p.Elem()); err != nil {
				fail(fmt.Errorf("encoding %s: %v", name, err))
			}
		}
	}
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: goapp echo | gen SEED N | types"))
	}
	switch os.Args[1] {
	case "echo":
		echo()
	case "gen":
		seed, _ := strconv.ParseInt(os.Args[2], 10, 64)
		n, _ := strconv.Atoi(os.Args[3])
		generate(seed, n)
	case "types":
		for name := range types {
			fmt.Println(name)
		}
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}
