// The IDL of the spec's byte examples (compact-protocol.md §9, binary-protocol.md §7), used to
// check that the Apache peers reproduce those bytes. Compiled with --allow-neg-keys (Neg, N2).
struct B1    { 1: i32 v }
struct B20   { 1: i32 a, 20: i32 b }
struct BoolS { 1: bool t, 2: bool f }
struct EmptyMap { 1: map<string,i32> m }
struct L20   { 1: list<i8> l }
struct Inner { 1: i32 a }
struct Nest  { 1: Inner x, 2: i32 y }
struct Dbl   { 1: double d }
struct Str   { 1: string s, 2: binary b }
struct LBool { 1: list<bool> l }
struct MapI  { 1: map<i32,string> m }
struct SetS  { 1: set<string> s }
struct I64s  { 1: i64 v }
struct Big   { 300: i32 x }
struct Neg   { -1: i16 neg, 1: i32 a }
struct N2    { -2: i32 a, -1: i32 b, 1: i32 c }
enum Color   { RED = 1, GREEN = 2 }
struct EnumS { 1: Color c }
