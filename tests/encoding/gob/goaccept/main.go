// Command goaccept is the Go side of the gob acceptance tests: a table of
// named values of many Go types that Python must decode, re-encode
// byte-identically and send back.
//
//	goaccept names          print the case names, one per line.
//	goaccept emit NAME...   write (name, value) pairs for the named cases on
//	                        one Encoder (one fresh process: ids from 65).
//	goaccept check          read (name, value) pairs from stdin, decode each
//	                        value into the case's Go type and print
//	                        "ok NAME" or "FAIL NAME: got ... want ...",
//	                        comparing canonical renderings (NaN-safe).
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
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

type Point struct{ X, Y int }
type Args struct{ A, B int }
type Base struct {
	ID  int
	Tag string
}
type Derived struct {
	Base
	Name string
}
type Mixed struct {
	A  int
	b  int
	C  string
	d  []int
	F  func()
	Ch chan int
}
type Deep struct{ M map[string]map[int][]string }
type Bag struct{ Any map[string]interface{} }
type List struct{ Items []interface{} }
type PP struct {
	P **int
	Q ***string
	R **Point
}
type Arrays struct {
	Ps   []*Point
	Arr  [2]Point
	Zero [0]int
	Bs   [4]byte
	Grid [2][3]int8
}
type EmptyColl struct {
	S []int
	M map[string]int
	E []string
	B []byte
	N int
}
type Extremes struct {
	U    uint64
	I    int64
	Min  int64
	F32  float32
	NaN  float64
	NInf float32
	C64  complex64
	U8   uint8
	I8   int8
	Tiny float64
	Up   uintptr
	U32  uint32
	I16  int16
}
type Strs struct {
	Bad   string
	Nul   string
	Emoji string
	Bytes []byte
	U8s   []uint8
}

// Temp is a GobEncoder with only unexported state.
type Temp struct{ milli int }

func (t Temp) GobEncode() ([]byte, error) { return []byte(strconv.Itoa(t.milli)), nil }
func (t *Temp) GobDecode(b []byte) error {
	n, err := strconv.Atoi(string(b))
	t.milli = n
	return err
}

// Ver is a BinaryMarshaler.
type Ver struct{ Major, Minor uint8 }

func (v Ver) MarshalBinary() ([]byte, error) { return []byte{v.Major, v.Minor}, nil }
func (v *Ver) UnmarshalBinary(b []byte) error {
	if len(b) != 2 {
		return errors.New("bad Ver")
	}
	v.Major, v.Minor = b[0], b[1]
	return nil
}

type Custom struct {
	T  Temp
	PT *Temp
	V  Ver
	Vs []Ver
	N  int
}
type Times struct {
	A, B, C, D time.Time
	P          *time.Time
	Dur        time.Duration
	Ts         []time.Time
}
type Node struct {
	Val  int
	Next *Node
}
type TNode struct {
	Name string
	Kids []*TNode
}
type Ping struct {
	N    int
	Pong *Pong
}
type Pong struct {
	S    string
	Ping *Ping
}
type Q struct{ Name string }
type IDs []uint64
type Dict map[string]int
type Ifaces struct {
	Nil   interface{}
	PtrQ  interface{}
	Pts   interface{}
	MPts  interface{}
	IDs   interface{}
	Dict  interface{}
	Tm    interface{}
	Slc   []interface{}
	Deep  interface{}
	Empty interface{}
}

// Sender has fields the Python receiver lacks; Receiver lacks some.
type Sender struct {
	Keep   int
	Gone   []string
	Also   map[string]Point
	Other  string
	Nested Point
	Iface  interface{}
}
type Named struct {
	ID    IDs
	D     Dict
	Dur   time.Duration
	Runes []rune
}
type Blob []byte
type Level int8
type D2 struct {
	*Base
	X int
}
type Gobs struct {
	I   interface{}
	Ts  []Temp
	MV  map[string]Ver
	At  [3]Temp
	PS  *[]int
	PM  *map[string]int
	Arr [2]interface{}
	Blb Blob
	Lv  Level
	LvI interface{}
	BI  interface{}
}

// PtrGob has pointers to GobEncoders: Go sends a non-nil pointer to a zero
// value, and describes a GobEncoder first met through a pointer specially.
type PtrGob struct {
	T  *time.Time
	P  *Temp
	PP **Temp
	V  Temp
	N  int
}
type Empty struct{}
type WithEmpty struct {
	E  Empty
	PE *Empty
	N  int
}


// Second batch: kinds Go users commonly send.
type Color int // a TextMarshaler: gob ignores it (Go's issue 6760)

func (c Color) MarshalText() ([]byte, error) { return []byte("c" + strconv.Itoa(int(c))), nil }
func (c *Color) UnmarshalText(b []byte) error {
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "c"))
	*c = Color(n)
	return err
}

// Gobber is a non-struct GobEncoder.
type Gobber int

func (g Gobber) GobEncode() ([]byte, error) { return []byte("G" + strconv.Itoa(int(g))), nil }
func (g *Gobber) GobDecode(b []byte) error {
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "G"))
	*g = Gobber(n)
	return err
}

// BinStr is a BinaryMarshaler string.
type BinStr string

func (s BinStr) MarshalBinary() ([]byte, error) { return []byte("<" + string(s) + ">"), nil }
func (s *BinStr) UnmarshalBinary(b []byte) error {
	*s = BinStr(strings.TrimSuffix(strings.TrimPrefix(string(b), "<"), ">"))
	return nil
}

type Marshalers struct {
	C  Color
	Cs []Color
	G  Gobber
	PG *Gobber
	B  BinStr
	BI interface{}
	GI interface{}
	CI interface{}
}
type Celsius float32
type Flag bool
type Code uint16
type Name string
type Kinds struct {
	C  Celsius
	F  Flag
	K  Code
	N  Name
	Is []interface{}
}
type Floats struct {
	F64 []float64
	F32 []float32
	C   []complex128
	M   map[string]float64
	One float64
	Sub float32
}
type Ints struct {
	I64 []int64
	U64 []uint64
	I8  []int8
	U16 []uint16
	I   int
	U   uint
}
type RM map[string]RM
type RS []RS
type Tree struct {
	Val         int
	Left, Right *Tree
}
type Inner struct{ V int }
type Middle struct {
	Inner
	M string
}
type Outer struct {
	Middle
	*Inner2
	O []Middle
}
type Inner2 struct{ W string }
type Holder2 struct{ V interface{} }
type Blank struct {
	S string
	B []byte
	L []string
	M map[string]string
	P *string
	A [2]string
}
type Errs struct {
	Err error
	N   int
}
// Tick is a GobEncoder registered through a pointer (as "*main.Tick").
type Tick struct{ n int }

func (t Tick) GobEncode() ([]byte, error) { return []byte{byte(t.n)}, nil }
func (t *Tick) GobDecode(b []byte) error {
	if len(b) != 1 {
		return errors.New("bad Tick")
	}
	t.n = int(b[0])
	return nil
}

// manyTypes is an unnamed struct of 70 array fields, [1]int8 ... [70]int8:
// more than 63 type ids, so ids past 127 take two bytes.
func manyTypes() reflect.Value {
	fields := make([]reflect.StructField, 70)
	for i := range fields {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("A%d", i+1),
			Type: reflect.ArrayOf(i+1, reflect.TypeOf(int8(0)))}
	}
	v := reflect.New(reflect.StructOf(fields)).Elem()
	v.Field(69).Index(69).SetInt(-1)
	v.Field(0).Index(0).SetInt(1)
	return v
}

type Stamps struct {
	ByName map[string]time.Time
	Durs   []time.Duration
	Zero   time.Time
	PZero  *time.Time
	Nano   time.Time
}

type testCase struct {
	name string
	v    func() reflect.Value // a value of the case's declared type
}

func val(x interface{}) func() reflect.Value {
	return func() reflect.Value { return reflect.ValueOf(x) }
}

func iface(x interface{}) func() reflect.Value {
	return func() reflect.Value { return reflect.ValueOf(&x).Elem() }
}

func ip(n int) *int           { return &n }
func ipp(n int) **int         { p := &n; return &p }
func sppp(s string) ***string { p := &s; pp := &p; return &pp }

var (
	east = time.FixedZone("", 5*3600+30*60)
	west = time.FixedZone("", -7*3600)
	odd  = time.FixedZone("", 3600+7)
)

var cases = []testCase{
	{"derived", val(Derived{Base{7, "base"}, "derived"})},
	{"derived_zero", val(Derived{})},
	{"mixed", val(Mixed{A: 1, b: 2, C: "c", d: []int{1}})},
	{"args_zero", val(Args{})},
	{"args_neg", val(Args{-1, math.MinInt64})},
	{"deep", val(Deep{map[string]map[int][]string{"k": {-3: {"a", "", "b"}}}})},
	{"deep_emptyinner", val(Deep{map[string]map[int][]string{"k": {}}})},
	{"bag", val(Bag{map[string]interface{}{"p": Point{1, 2}}})},
	{"bag_multi", val(Bag{map[string]interface{}{"p": Point{1, 2}, "i": 5, "s": "x",
		"f": 1.5, "ids": IDs{1, 2}, "b": []byte("hi"), "u": uint16(9), "n": nil}})},
	{"list", val(List{[]interface{}{1, "two", 3.0, Point{4, 5}, nil, []int{6}, int8(-7),
		uint64(math.MaxUint64), true, complex64(1 + 2i), []byte{0}, &Q{"q"}, Dict{"z": 26}}})},
	{"pp", val(PP{ipp(5), sppp("s"), func() **Point { p := &Point{1, 0}; return &p }()})},
	{"pp_zero_pointee", val(PP{ipp(0), sppp(""), func() **Point { p := &Point{}; return &p }()})},
	{"arrays", val(Arrays{Ps: []*Point{{1, 2}, {}, {3, 4}}, Arr: [2]Point{{0, 1}, {}},
		Bs: [4]byte{0, 1, 255, 128}, Grid: [2][3]int8{{1, -1, 0}, {-128, 127, 0}}})},
	{"arrays_zero", val(Arrays{})},
	{"zero_array_top", val([0]int{})},
	{"byte_array_top", val([3]byte{1, 2, 3})},
	{"emptycoll_empty", val(EmptyColl{S: []int{}, M: map[string]int{}, E: []string{}, B: []byte{}})},
	{"emptycoll_nil", val(EmptyColl{N: 1})},
	{"extremes", val(Extremes{U: math.MaxUint64, I: math.MaxInt64, Min: math.MinInt64,
		F32: float32(math.Inf(1)), NaN: math.NaN(), NInf: float32(math.Inf(-1)),
		C64: complex(float32(math.MaxFloat32), float32(-0.25)), U8: 255, I8: -128,
		Tiny: 5e-324, Up: math.MaxUint64, U32: math.MaxUint32, I16: math.MinInt16})},
	{"extremes_f32", val(Extremes{F32: math.SmallestNonzeroFloat32, NInf: -math.MaxFloat32, NaN: math.Copysign(0, -1)})},
	{"strs", val(Strs{Bad: "a\xffb\xc3", Nul: "\x00x\x00", Emoji: "😀日本",
		Bytes: []byte{0, 255}, U8s: []uint8{9}})},
	{"uint64_max_top", val(uint64(math.MaxUint64))},
	{"int64_min_top", val(int64(math.MinInt64))},
	{"float32_nan_top", val(float32(math.NaN()))},
	{"float32_negzero_top", val(float32(math.Copysign(0, -1)))},
	{"complex64_top", val(complex64(complex(1.5, -2)))},
	{"string_bad_top", val("\xff\xfe\x00")},
	{"custom", val(Custom{Temp{21500}, &Temp{-3}, Ver{1, 19}, []Ver{{0, 0}, {2, 1}}, 4})},
	{"custom_zero", val(Custom{})},
	{"temp_top", val(Temp{42})},
	{"ver_top", val(Ver{3, 4})},
	{"times", val(Times{
		A:   time.Date(2023, 3, 4, 5, 6, 7, 891011000, time.UTC),
		B:   time.Date(1999, 12, 31, 23, 59, 59, 0, east),
		C:   time.Date(1970, 1, 1, 0, 0, 0, 0, west),
		D:   time.Date(2000, 2, 29, 12, 0, 0, 1000, odd),
		P:   func() *time.Time { t := time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC); return &t }(),
		Dur: 90 * time.Second,
		Ts:  []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
	})},
	{"times_nanos", val(Times{A: time.Date(2023, 3, 4, 5, 6, 7, 123456789, time.UTC)})},
	{"time_top", val(time.Date(2024, 2, 29, 1, 2, 3, 4000, east))},
	{"duration_top", val(time.Duration(-1500) * time.Millisecond)},
	{"node", val(Node{1, &Node{2, &Node{3, nil}}})},
	{"tnode", val(TNode{"root", []*TNode{{"a", nil}, {"b", []*TNode{{"c", nil}}}}})},
	{"ping", val(Ping{1, &Pong{"x", &Ping{2, nil}}})},
	{"pong", val(Pong{"y", &Ping{3, &Pong{}}})},
	{"ifaces", val(Ifaces{
		PtrQ: &Q{"ptr"}, Pts: []Point{{1, 2}}, MPts: map[string]Point{"o": {}},
		IDs: IDs{1, math.MaxUint64}, Dict: Dict{"a": 1}, Tm: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC),
		Slc:   []interface{}{nil, Point{}, nil},
		Deep:  []interface{}{map[string]interface{}{"x": []interface{}{Q{"in"}}}},
		Empty: Empty{},
	})},
	{"ifaces_zero", val(Ifaces{})},
	{"iface_top_point", iface(Point{5, 6})},
	{"iface_top_nil", iface(nil)},
	{"iface_top_ids", iface(IDs{3})},
	{"sender", val(Sender{Keep: 1, Gone: []string{"g"}, Also: map[string]Point{"a": {1, 1}},
		Other: "o", Nested: Point{2, 2}, Iface: Point{3, 3}})},
	{"named", val(Named{IDs{1, 2}, Dict{"k": -1}, time.Hour, []rune("héllo")})},
	{"ids_top", val(IDs{7, 8})},
	{"dict_top", val(Dict{"only": 1})},
	{"withempty", val(WithEmpty{PE: &Empty{}, N: 2})},
	{"empty_top", val(Empty{})},
	{"slice_of_maps", val([]map[string]int{{"a": 1}, {}, nil})},
	{"map_of_slices_of_ptrs", val(map[int][]*Point{-1: {{1, 2}}})},
	{"map_struct_key", val(map[Point]string{{1, 2}: "p"})},
	{"map_array_key", val(map[[2]string][2]*float64{{"a", "b"}: {func() *float64 { f := 1.5; return &f }(), func() *float64 { f := 0.0; return &f }()}})},
	{"nested_slices", val([][][]string{{{"a"}, {}}, {}})},
	{"ptr_top", val(func() *Point { return &Point{8, 9} }())},
	{"d2", val(D2{&Base{1, "b"}, 2})},
	{"d2_nil", val(D2{nil, 3})},
	{"gobs", val(Gobs{I: Temp{5}, Ts: []Temp{{1}, {0}}, MV: map[string]Ver{"v": {1, 2}},
		At: [3]Temp{{0}, {7}, {0}}, PS: &[]int{1}, PM: &map[string]int{"m": 0},
		Arr: [2]interface{}{nil, Ver{9, 9}}, Blb: Blob("blob"), Lv: -3, LvI: Level(4),
		BI: Blob{0}})},
	{"gobs_zero", val(Gobs{})},
	{"iface_keys", val(map[interface{}]string{int8(1): "one"})},
	{"ptr_slices", val([]*[]int{{1}, {}})},
	{"ptr_elems", val(map[string]*int{"p": ip(0)})},
	{"arr_of_ptr_arrays", val([][2]*Point{{{1, 1}, {2, 2}}})},
	{"wide", wide},
	{"wide_slice", func() reflect.Value {
		s := reflect.MakeSlice(reflect.SliceOf(wide().Type()), 2, 2)
		s.Index(1).Set(wide())
		return s
	}},
	{"ptrgob_zero_pointees", val(PtrGob{T: &time.Time{}, P: &Temp{}, PP: func() **Temp { p := &Temp{}; return &p }(), N: 1})},
	{"ptrgob_set", val(PtrGob{T: func() *time.Time { t := time.Unix(5, 0).UTC(); return &t }(), P: &Temp{3}, V: Temp{4}})},
	{"ptrgob_nil", val(PtrGob{N: 2})},
	{"ptr_temp_top", val(&Temp{6})},
	{"ptr_time_top", val(func() *time.Time { t := time.Unix(7, 8000).UTC(); return &t }())},
	{"multi_point_1", val(Point{1, 1})},
	{"multi_args", val(Args{2, 3})},
	{"multi_point_2", val(Point{4, 4})},
	{"multi_nodes", val([]Node{{1, nil}, {2, &Node{3, nil}}})},
	{"marshalers", val(Marshalers{C: 3, Cs: []Color{0, 1}, G: 7, PG: func() *Gobber { g := Gobber(0); return &g }(),
		B: "bs", BI: BinStr("in"), GI: Gobber(-2), CI: Color(5)})},
	{"marshalers_zero", val(Marshalers{})},
	{"gobber_top", val(Gobber(12))},
	{"binstr_top", val(BinStr("top"))},
	{"color_top", val(Color(9))},
	{"kinds", val(Kinds{C: -1.5, F: true, K: 65535, N: "name", Is: []interface{}{
		Celsius(2), Flag(false), Code(1), Name(""), true, 0, int8(0), int16(-300), int32(1 << 30),
		int64(math.MinInt64), uint(7), uint8(255), uint16(0), uint32(math.MaxUint32), uint64(1 << 63),
		uintptr(3), float32(-0.5), 0.0, complex64(0), complex(math.Inf(1), -1), "", "ü", []byte{},
		[]int{-1}, []int8{1}, []int16{}, []int32{2}, []int64{3}, []uint{4}, []uint16{5}, []uint32{6},
		[]uint64{7}, []uintptr{8}, []float32{1.5}, []float64{-2.5}, []complex64{1i}, []complex128{2},
		[]bool{true, false}, []string{"", "x"}}})},
	{"floats", val(Floats{
		F64: []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 5e-324,
			2.2250738585072014e-308, 1e-310, math.MaxFloat64, -1, 1, 0.1, 1 << 53},
		F32: []float32{math.SmallestNonzeroFloat32, -math.MaxFloat32, float32(math.Copysign(0, -1)), 1e-40, 0.1},
		C:   []complex128{complex(math.NaN(), math.Copysign(0, -1)), complex(0, 0), complex(-1, 1e-300)},
		M:   map[string]float64{"nz": math.Copysign(0, -1)},
		One: 1, Sub: 1e-42})},
	{"ints", val(Ints{
		I64: []int64{math.MinInt64, math.MaxInt64, -1, 0, 1, 127, 128, -128, -129, 255, 256, -256, -257, 1 << 32},
		U64: []uint64{math.MaxUint64, 0, 127, 128, 255, 256, 65535, 65536, 1 << 56, 1<<56 - 1},
		I8:  []int8{-128, 127, 0, -1}, U16: []uint16{65535, 0}, I: math.MaxInt64, U: math.MaxUint64})},
	{"rm", val(RM{"a": RM{"b": nil}})},
	{"rs", val(RS{RS{}, nil, RS{RS{RS{}}}})},
	{"tree", val(Tree{5, &Tree{3, &Tree{1, nil, nil}, nil}, &Tree{8, nil, &Tree{9, nil, nil}}})},
	{"outer", val(Outer{Middle{Inner{1}, "m"}, &Inner2{"w"}, []Middle{{}, {Inner{2}, ""}}})},
	{"outer_zero", val(Outer{})},
	{"arr_structs_top", val([3]Base{{1, "a"}, {}, {3, ""}})},
	{"ptr_ptr_top", val(func() **Point { p := &Point{0, 7}; return &p }())},
	{"iface_ptr_top", iface(&Q{"q"})},
	{"iface_int_top", iface(int16(-5))},
	{"iface_slice_top", iface([]string{"a", "b"})},
	{"iface_time_top", iface(time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC))},
	{"holder2", val(Holder2{Holder2{[]interface{}{Holder2{}, Holder2{nil}, Holder2{1.5}}}})},
	{"iface_map_in_map", val(map[string]interface{}{"m": map[string]interface{}{"x": []interface{}{int64(1)}}})},
	{"blank_empty", val(Blank{S: "", B: []byte{}, L: []string{""}, M: map[string]string{"": ""},
		P: func() *string { s := ""; return &s }(), A: [2]string{"", "x"}})},
	{"errs_nil", val(Errs{N: 1})},
	{"long", val(Blank{S: strings.Repeat("é", 200), B: make([]byte, 70000), L: make([]string, 300)})},
	{"big_slice", val(func() []int {
		s := make([]int, 1000)
		for i := range s {
			s[i] = i*i - 500
		}
		return s
	}())},
	{"map_bool_key", val(map[bool]int{true: 1})},
	{"map_u64_key", val(map[uint64]string{math.MaxUint64: "max"})},
	{"map_c128_key", val(map[complex128]int8{complex(1, -1): -1})},
	{"map_f64_key_negzero", val(map[float64]string{math.Copysign(0, -1): "nz"})},
	{"unicode", val(Strs{Bad: "\xed\xa0\x80", Nul: "\u2028\u00e9e\u0301", Emoji: "👩‍👩‍👧",
		Bytes: []byte("日本"), U8s: []byte{}})},
	{"stamps", val(Stamps{ByName: map[string]time.Time{"z": {}},
		Durs: []time.Duration{0, -1, math.MaxInt64, math.MinInt64}, PZero: &time.Time{},
		Nano: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)})},
	{"time_zero_top", val(time.Time{})},
	{"time_epoch_top", val(time.Unix(0, 999999999).In(west))},
	{"time_fixed0_top", val(time.Date(2020, 6, 1, 0, 0, 0, 0, time.FixedZone("X", 0)))},
	{"time_minute_west_top", val(time.Date(2020, 6, 1, 0, 0, 0, 0, time.FixedZone("", -(9*3600+30*60))))},
	{"ptr_slice_of_ptrs", val(&[]*Point{{1, 0}})},
	{"arr_of_slices_iface", val([2][]interface{}{{1, "x"}, nil})},
	{"tick_iface", val(Holder2{[]interface{}{&Tick{5}, &Tick{0}, &Q{"q"}}})},
	{"many_types", manyTypes},
}

// mismatches: a value and a Go type it is decoded into; "goaccept
// mismatch" prints, per line, the name, the value's stream in hex and the
// error Go's decoder reports (or "ok").
type C1 struct{ C int }
type XS struct{ X string }
type XP struct{ X *Point }
type I8s struct {
	A int8
	B uint8
	F float32
	C complex64
}

var mismatches = []struct {
	name string
	v    interface{}
	into interface{}
}{
	{"no_fields_matched", Args{1, 2}, new(C1)},
	{"struct_into_string", Point{1, 2}, new(string)},
	{"int_into_struct", 5, new(Point)},
	{"slice_elem", []int{1}, new([]string)},
	{"field_type", Point{1, 2}, new(XS)},
	{"field_struct_vs_int", Point{1, 2}, new(XP)},
	{"map_key", map[string]int{"a": 1}, new(map[int]int)},
	{"uint_into_int8", uint64(math.MaxUint64), new(int8)},
	{"int_into_int8", 300, new(int8)},
	{"int_into_uint", 3, new(uint)},
	{"int_into_iface", 3, new(interface{})},
	{"array_len", [3]int{1, 2, 3}, new([2]int)},
	{"elem_overflow", []int{1, 300}, new([]int8)},
	{"field_overflow", struct{ A, B, F int }{A: 1000}, new(I8s)},
	{"field_overflow_u", struct{ B int }{B: -1}, new(I8s)},
	{"field_overflow_uu", struct{ B uint }{B: 256}, new(I8s)},
	{"float_overflow", struct{ F float64 }{F: 1e300}, new(I8s)},
	{"complex_overflow", struct{ C complex128 }{C: complex(0, -1e300)}, new(I8s)},
	{"map_elem_overflow", map[string]int{"a": 1000}, new(map[string]int8)},
	{"gobenc_into_struct", Temp{1}, new(Point)},
	{"struct_into_gobdec", Point{1, 2}, new(Temp)},
	{"binary_into_gobdec", Ver{1, 2}, new(Temp)},
	{"bytes_into_string", []byte("x"), new(string)},
	{"string_into_bytes", "x", new([]byte)},
	{"bytes_into_ints", []byte("x"), new([]int)},
	{"float_into_int", 1.5, new(int)},
	{"map_into_slice", map[int]int{1: 1}, new([]int)},
	{"time_into_struct", time.Unix(0, 0).UTC(), new(Point)},
	{"iface_into_int", Holder{V: 1}, new(int)},
	{"array_into_slice", [3]int{1, 2, 3}, new([]int)},
	{"slice_into_array", []int{1, 2, 3}, new([3]int)},
	{"map_elem_uint", map[string]int{"a": 1}, new(map[string]uint)},
	{"int_into_float", 5, new(float64)},
	{"bool_into_int", true, new(int)},
	{"complex_into_float", complex(1, 2), new(float64)},
	{"map_key_overflow", map[int]int{300: 1}, new(map[int8]int)},
	{"bytes_into_array", []byte{1, 2, 3, 4}, new([4]byte)},
	{"field_slice_vs_array", struct{ A []int }{[]int{1}}, new(FA)},
	{"field_map_elem", struct{ M map[string]int }{map[string]int{"a": 1}}, new(FM)},
	{"field_iface_vs_int", Holder{V: 1}, new(HI)},
	{"field_int_vs_iface", HI{V: 1}, new(Holder)},
	{"field_gob_vs_int", struct{ T Temp }{Temp{1}}, new(FT)},
	{"nested_no_common", struct{ P Point }{Point{1, 2}}, new(NP)},
	{"field_u64_into_u8", struct{ B uint64 }{math.MaxUint64}, new(I8s)},
	{"field_time_vs_struct", struct{ T time.Time }{time.Unix(1, 0).UTC()}, new(FTS)},
	{"elem_struct_vs_int", []Point{{1, 2}}, new([]int)},
}

type FA struct{ A [1]int }
type FM struct{ M map[string]string }
type HI struct{ V int }
type FT struct{ T int }
type NP struct{ P C1 }
type FTS struct{ T Point }

type Holder struct{ V interface{} }

func mismatch() {
	for _, m := range mismatches {
		var buf strings.Builder
		if err := gob.NewEncoder(&buf).Encode(m.v); err != nil {
			fail(err)
		}
		res := "ok"
		if err := gob.NewDecoder(strings.NewReader(buf.String())).Decode(m.into); err != nil {
			res = err.Error()
		}
		fmt.Printf("%s %x %s\n", m.name, buf.String(), res)
	}
}

// wide is an unnamed struct of 150 int fields, every seventh one set
// (wider than Python generates decoder code for).
func wide() reflect.Value {
	fields := make([]reflect.StructField, 150)
	for i := range fields {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeOf(0)}
	}
	v := reflect.New(reflect.StructOf(fields)).Elem()
	for i := 0; i < 150; i += 7 {
		v.Field(i).SetInt(int64(i*i - 50))
	}
	return v
}

func init() {
	gob.Register(Point{})
	gob.Register(&Q{})
	gob.Register(IDs(nil))
	gob.Register(Dict(nil))
	gob.Register([]Point(nil))
	gob.Register(map[string]Point(nil))
	gob.Register(map[string]interface{}(nil))
	gob.Register([]interface{}(nil))
	gob.Register(time.Time{})
	gob.Register(Empty{})
	gob.Register(Temp{})
	gob.Register(Ver{})
	gob.Register(Blob(nil))
	gob.Register(Level(0))
	gob.Register(BinStr(""))
	gob.Register(Gobber(0))
	gob.Register(Color(0))
	gob.Register(Celsius(0))
	gob.Register(Flag(false))
	gob.Register(Code(0))
	gob.Register(Name(""))
	gob.Register(Holder2{})
	gob.Register(&Tick{})
}

func find(name string) (testCase, bool) {
	for _, c := range cases {
		if c.name == name {
			return c, true
		}
	}
	return testCase{}, false
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goaccept:", err)
	os.Exit(1)
}

// render is a canonical text of a value: pointers followed, maps sorted,
// floats by their bits, so that NaNs and map order compare reliably.
func render(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	if !v.CanInterface() {
		return "?"
	}
	if t, ok := v.Interface().(time.Time); ok {
		_, off := t.Zone()
		return fmt.Sprintf("time(%d.%09d%+d)", t.Unix(), t.Nanosecond(), off)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "nil"
		}
		prefix := ""
		if v.Kind() == reflect.Interface {
			prefix = v.Elem().Type().String() + ":"
		}
		return prefix + render(v.Elem())
	case reflect.Float32, reflect.Float64:
		return "f" + strconv.FormatUint(math.Float64bits(v.Float()), 16)
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return fmt.Sprintf("c%x,%x", math.Float64bits(real(c)), math.Float64bits(imag(c)))
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Slice:
		if v.IsNil() {
			return "nilslice"
		}
		fallthrough
	case reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = render(v.Index(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case reflect.Map:
		if v.IsNil() {
			return "nilmap"
		}
		parts := []string{}
		for _, k := range v.MapKeys() {
			parts = append(parts, render(k)+":"+render(v.MapIndex(k)))
		}
		sort.Strings(parts)
		return "map[" + strings.Join(parts, " ") + "]"
	case reflect.Struct:
		t := v.Type()
		parts := []string{}
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() && v.Field(i).Kind() != reflect.Func && v.Field(i).Kind() != reflect.Chan {
				parts = append(parts, t.Field(i).Name+"="+render(v.Field(i)))
			}
		}
		if gt, ok := v.Interface().(Temp); ok {
			parts = append(parts, fmt.Sprintf("milli=%d", gt.milli))
		}
		if tk, ok := v.Interface().(Tick); ok {
			parts = append(parts, fmt.Sprintf("n=%d", tk.n))
		}
		return t.String() + "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprintf("%v", v.Interface())
}

// roundTrip is what Go itself decodes from its own encoding of v (gob
// drops empty slices, the sign of zero fields, ...).
func roundTrip(v reflect.Value) reflect.Value {
	var buf strings.Builder
	if err := gob.NewEncoder(&buf).EncodeValue(v); err != nil {
		fail(err)
	}
	p := reflect.New(v.Type())
	if err := gob.NewDecoder(strings.NewReader(buf.String())).DecodeValue(p); err != nil {
		fail(err)
	}
	return p.Elem()
}

func emit(names []string) {
	out := bufio.NewWriter(os.Stdout)
	enc := gob.NewEncoder(out)
	for _, name := range names {
		c, ok := find(name)
		if !ok {
			fail(fmt.Errorf("unknown case %q", name))
		}
		if err := enc.Encode(name); err != nil {
			fail(err)
		}
		if err := enc.EncodeValue(c.v()); err != nil {
			fail(fmt.Errorf("encoding %s: %v", name, err))
		}
	}
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

func check() {
	dec := gob.NewDecoder(bufio.NewReader(os.Stdin))
	for {
		var name string
		if err := dec.Decode(&name); err != nil {
			if err == io.EOF {
				return
			}
			fail(err)
		}
		c, ok := find(name)
		if !ok {
			fail(fmt.Errorf("unknown case %q", name))
		}
		want := roundTrip(c.v())
		p := reflect.New(want.Type())
		if err := dec.DecodeValue(p); err != nil {
			fmt.Printf("FAIL %s: decode: %v\n", name, err)
			return
		}
		g, w := render(p.Elem()), render(want)
		if g == w {
			fmt.Printf("ok %s\n", name)
		} else {
			fmt.Printf("FAIL %s: got %s want %s\n", name, g, w)
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: goaccept names | emit NAME... | check"))
	}
	switch os.Args[1] {
	case "names":
		for _, c := range cases {
			fmt.Println(c.name)
		}
	case "emit":
		emit(os.Args[2:])
	case "check":
		check()
	case "mismatch":
		mismatch()
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}
